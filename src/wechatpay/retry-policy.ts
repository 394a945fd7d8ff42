import type { UpstreamError } from './upstream-error.js'

/** WeChat Pay statuses worth another attempt: overload and transient server errors (docs/wechatpay-protocol.md §3.2). */
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503])

export interface RetryDecision {
  retry: boolean
  /** Move to the backup host: only for failures that never reached the primary. */
  failover: boolean
}

/**
 * What a failed attempt allows. Never 400/401/403/404 (the same request fails the same way) nor a
 * verification failure, except one retry of a WECHATPAY/SIGNTEST/ probe: WeChat Pay sends those
 * deliberately and rarely, so a fresh request almost always comes back correctly signed.
 */
export function decideRetry (error: UpstreamError, connectionFailure: boolean, probesRetried: number): RetryDecision {
  if (connectionFailure) return { retry: true, failover: true }
  if (error.verification === 'signature-probe') return { retry: probesRetried === 0, failover: false }
  if (error.verification !== undefined) return { retry: false, failover: false }
  if (error.problem === 'upstream-timeout') return { retry: true, failover: false }
  const status = error.upstreamStatus
  return { retry: status !== undefined && RETRYABLE_STATUSES.has(status), failover: false }
}

/**
 * Exponential backoff with full jitter (a random wait in [0, base * 2^attempt], capped), so
 * replicas that failed together do not retry together; a Retry-After from WeChat Pay wins.
 */
export function backoffMs (attempt: number, retryAfterSeconds: number | undefined, random: () => number = Math.random): number {
  if (retryAfterSeconds !== undefined) return retryAfterSeconds * 1000
  const ceiling = Math.min(1_000, 100 * 2 ** attempt)
  return Math.floor(random() * ceiling)
}
