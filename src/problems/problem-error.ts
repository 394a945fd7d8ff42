import { problemDefinition, type ProblemName } from './registry.js'

export interface InvalidParam {
  name: string
  in: string
  reason: string
}

/** Members besides RFC 9457's own. */
export interface ProblemMembers {
  code?: string | undefined
  request_id?: string | undefined
  invalid_params?: InvalidParam[]
}

/** Status and title come from the registry, never from the site that raises it. */
export class ProblemError extends Error {
  readonly problem: ProblemName
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

/** A wait in milliseconds as Retry-After's whole seconds, never 0: a caller told 0 would ask again at once. */
export function secondsToWait (ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000))
}
