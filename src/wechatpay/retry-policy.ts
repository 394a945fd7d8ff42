import type { UpstreamError } from './upstream-error.js'

/** WeChat Pay statuses worth another attempt: overload and transient server errors (docs/wechatpay-protocol.md §3.2). */
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503])

export interface RetryDecision {
  retry: boolean
  failover: boolean
}

/** One retry of a WECHATPAY/SIGNTEST/ probe: WeChat Pay sends those rarely, so a fresh request is almost always well signed. */
export function decideRetry (error: UpstreamError, connectionFailure: boolean, probesRetried: number): RetryDecision {
  if (connectionFailure) return { retry: true, failover: true }
  if (error.verification === 'signature-probe') return { retry: probesRetried === 0, failover: false }
  if (error.verification !== undefined) return { retry: false, failover: false }
  if (error.problem === 'upstream-timeout') return { retry: true, failover: false }
  const status = error.upstreamStatus
  return { retry: status !== undefined && RETRYABLE_STATUSES.has(status), failover: false }
}

/** Full jitter, so replicas that failed together do not retry together. */
export function backoffMs (attempt: number, retryAfterSeconds: number | undefined, random: () => number = Math.random): number {
  if (retryAfterSeconds !== undefined) return retryAfterSeconds * 1000
  const ceiling = Math.min(1_000, 100 * 2 ** attempt)
  return Math.floor(random() * ceiling)
}
