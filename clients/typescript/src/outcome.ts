import type { components } from './openapi.js'

export type Problem = components['schemas']['Problem']
/** Every `type` the service sends: switch over it, and handle the rest by `status`. */
export type ProblemType = Problem['type']

/** What a call gives: the answer's body, or the problem, with the response for its headers. */
export type Outcome<Data, Failure = Problem> =
  | { ok: true, data: Data, status: number, requestId: string | null, response: Response }
  | { ok: false, problem: Failure, status: number, requestId: string | null, response: Response }

export interface RetryOptions {
  /** Calls at most, the first included (default 3). */
  attempts?: number
  /** The longest Retry-After worth waiting for, in seconds (default 10); past it the problem comes back at once. */
  maxWaitSeconds?: number
  /** How to wait; tests pass their own. */
  sleep?: (ms: number) => Promise<void>
}

/** Retry-After in whole seconds (as the service sends it) or an HTTP date; undefined when absent. */
export function retryAfterSeconds (response: Response): number | undefined {
  const value = response.headers.get('Retry-After')
  if (value === null) return undefined
  if (/^\d+$/.test(value)) return Number(value)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000))
}

/**
 * Calls `attempt` again while it answers a problem with Retry-After (the service sends it on
 * problems worth retrying: its 429s and 503s, an unreachable WeChat Pay) and the wait is within
 * `maxWaitSeconds`; any other outcome comes back at once. Without `retry`, one call.
 */
export async function withRetry<Data, Failure> (
  attempt: () => Promise<Outcome<Data, Failure>>,
  retry: RetryOptions | undefined
): Promise<Outcome<Data, Failure>> {
  if (retry === undefined) return await attempt()
  const { attempts = 3, maxWaitSeconds = 10, sleep = wait } = retry
  for (let call = 1; ; call++) {
    const outcome = await attempt()
    if (outcome.ok) return outcome
    const seconds = retryAfterSeconds(outcome.response)
    if (seconds === undefined || seconds > maxWaitSeconds || call >= attempts) return outcome
    await sleep(seconds * 1000)
  }
}

async function wait (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}
