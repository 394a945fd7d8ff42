import { asProblemName } from '../problems/registry.js'
import { UpstreamError, type UpstreamErrorDetails } from '../wechatpay/upstream-error.js'

export type FillOutcome =
  | { ok: true }
  | { ok: false, error: SharedError }

export interface SharedError extends Omit<UpstreamErrorDetails, 'cause'> {
  problem: string
  message: string
}

/** Shared, so waiting replicas answer with one error instead of each calling a failing WeChat Pay. */
export function shareError (error: UpstreamError): SharedError {
  return {
    problem: error.problem,
    message: error.message,
    code: error.code,
    wechatMessage: error.wechatMessage,
    requestId: error.requestId,
    upstreamStatus: error.upstreamStatus,
    retryAfterSeconds: error.retryAfterSeconds,
    verification: error.verification
  }
}

/** The error again; a problem name this version does not know (a newer replica's) becomes a plain 502. */
export function restoreError (shared: SharedError): UpstreamError {
  return new UpstreamError(asProblemName(shared.problem) ?? 'upstream-error', shared.message, shared)
}

/** Parses a pub/sub message; anything malformed is ignored (waiters fall back to polling). */
export function parseFillMessage (text: string): { key: string, holder: string, outcome: FillOutcome } | undefined {
  try {
    const message = JSON.parse(text) as { key?: unknown, holder?: unknown, ok?: unknown, error?: unknown }
    if (typeof message.key !== 'string' || typeof message.holder !== 'string' || typeof message.ok !== 'boolean') return undefined
    const { key, holder } = message
    if (message.ok) return { key, holder, outcome: { ok: true } }
    const error = asSharedError(message.error)
    return error === undefined ? undefined : { key, holder, outcome: { ok: false, error } }
  } catch {
    return undefined
  }
}

function asSharedError (value: unknown): SharedError | undefined {
  const error = value as SharedError | undefined
  if (error === undefined || error === null || typeof error.problem !== 'string' || typeof error.message !== 'string') return undefined
  return error
}
