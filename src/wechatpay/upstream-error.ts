import type { UpstreamErrorKind } from './errors.js'
import type { VerificationFailure } from './response-verifier.js'

export interface UpstreamErrorDetails {
  /** WeChat Pay's error code, verbatim (e.g. `PARAM ERROR`, with its space). */
  code?: string
  /** WeChat Pay's human message, which becomes the problem's `detail`. */
  wechatMessage?: string
  /** WeChat Pay's `Request-ID`, the key to any support ticket with WeChat Pay. */
  requestId?: string
  /** The HTTP status WeChat Pay answered with, when it answered. */
  upstreamStatus?: number
  retryAfterSeconds?: number
  verification?: VerificationFailure
  cause?: unknown
}

/**
 * Everything that can go wrong in the upstream exchange ends as one of these, so the error
 * handler needs one branch for all of them. It deliberately holds no upstream body: WeChat's
 * `detail.sign_information` echoes our signed message and must never travel further.
 */
export class UpstreamError extends Error {
  readonly kind: UpstreamErrorKind
  readonly code: string | undefined
  readonly wechatMessage: string | undefined
  readonly requestId: string | undefined
  readonly upstreamStatus: number | undefined
  readonly retryAfterSeconds: number | undefined
  readonly verification: VerificationFailure | undefined

  constructor (kind: UpstreamErrorKind, message: string, details: UpstreamErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.name = 'UpstreamError'
    this.kind = kind
    this.code = details.code
    this.wechatMessage = details.wechatMessage
    this.requestId = details.requestId
    this.upstreamStatus = details.upstreamStatus
    this.retryAfterSeconds = details.retryAfterSeconds ?? kind.retryAfterSeconds
    this.verification = details.verification
  }
}
