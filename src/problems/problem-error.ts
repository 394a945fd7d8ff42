import { problemDefinition, type ProblemName } from './registry.js'

export interface InvalidParam {
  name: string
  in: string
  reason: string
}

/** Members a problem may carry besides RFC 9457's own: WeChat Pay's code and Request-ID, bad parameters. */
export interface ProblemMembers {
  code?: string | undefined
  request_id?: string | undefined
  invalid_params?: InvalidParam[]
}

/**
 * A problem this service answers with, named from the registry: status and title come from there,
 * never from the site that raises it. Thrown from a hook or a handler (or handed to sendProblem), it
 * reaches the one error handler, which sends it as application/problem+json.
 */
export class ProblemError extends Error {
  readonly problem: ProblemName
  /** What went wrong this time, for the caller: the problem's `detail`. */
  readonly detail: string
  readonly headers: Record<string, string>
  readonly members: ProblemMembers
  /** Sent as Retry-After unless `headers` has one: the raiser's wait, else the registry's default. */
  readonly retryAfterSeconds: number | undefined

  constructor (
    problem: ProblemName,
    detail: string,
    headers: Record<string, string> = {},
    members: ProblemMembers = {},
    retryAfterSeconds?: number
  ) {
    super(detail)
    this.name = 'ProblemError'
    this.problem = problem
    this.detail = detail
    this.headers = headers
    this.members = members
    this.retryAfterSeconds = retryAfterSeconds ?? problemDefinition(problem).retryAfterSeconds
  }

  get status (): number {
    return problemDefinition(this.problem).status
  }

  get title (): string {
    return problemDefinition(this.problem).title
  }
}
