import type { UpstreamErrorKind } from '../wechatpay/errors.js'
import { UpstreamError, type UpstreamErrorDetails } from '../wechatpay/upstream-error.js'

/** What a replica that fetched a page tells the replicas waiting for it. */
export type FillOutcome =
  | { ok: true }
  | { ok: false, error: SharedError }

/** An UpstreamError as JSON: its kind, its message, and every detail but the cause. */
export interface SharedError extends Omit<UpstreamErrorDetails, 'cause'> {
  kind: UpstreamErrorKind
  message: string
}

/**
 * A failed fetch is shared too, so N waiting replicas answer with the one error instead of each
 * making its own call to a WeChat Pay that is failing or over quota.
 */
export function shareError (error: UpstreamError): SharedError {
  return {
    kind: error.kind,
    message: error.message,
    ...(error.code === undefined ? {} : { code: error.code }),
    ...(error.wechatMessage === undefined ? {} : { wechatMessage: error.wechatMessage }),
    ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
    ...(error.upstreamStatus === undefined ? {} : { upstreamStatus: error.upstreamStatus }),
    ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
    ...(error.verification === undefined ? {} : { verification: error.verification })
  }
}

export function restoreError (shared: SharedError): UpstreamError {
  return new UpstreamError(shared.kind, shared.message, shared)
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
  if (error === undefined || error === null || typeof error.kind?.status !== 'number' || typeof error.kind.type !== 'string') return undefined
  return error
}
