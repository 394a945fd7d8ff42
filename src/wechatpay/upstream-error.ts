import { ProblemError } from '../problems/problem-error.js'
import type { ProblemName } from '../problems/registry.js'
import type { VerificationFailure } from './response-verifier.js'

export interface UpstreamErrorDetails {
  /** WeChat Pay's error code, verbatim (e.g. `PARAM ERROR`, with its space). */
  code?: string | undefined
  /** WeChat Pay's human message, which becomes the problem's `detail`. */
  wechatMessage?: string | undefined
  /** WeChat Pay's `Request-ID`, the key to any support ticket with WeChat Pay. */
  requestId?: string | undefined
  /** The HTTP status WeChat Pay answered with, when it answered. */
  upstreamStatus?: number | undefined
  retryAfterSeconds?: number | undefined
  verification?: VerificationFailure | undefined
  /** The key a refused answer named (its Wechatpay-Serial), when it named one. */
  serial?: string | undefined
  cause?: unknown
}

/**
 * Everything that can go wrong in the upstream exchange ends as one of these, so the error
 * handler needs one branch for all of them. Its `message` is for the log; the caller's `detail` is
 * WeChat Pay's message when it sent one. It deliberately holds no upstream body: WeChat's
 * `detail.sign_information` echoes our signed message and must never travel further.
 */
export class UpstreamError extends ProblemError {
  readonly code: string | undefined
  readonly wechatMessage: string | undefined
  readonly requestId: string | undefined
  readonly upstreamStatus: number | undefined
  readonly verification: VerificationFailure | undefined
  readonly serial: string | undefined

  constructor (problem: ProblemName, message: string, details: UpstreamErrorDetails = {}) {
    // retryAfterSeconds is also the wait before a retry of our own.
    super(problem, details.wechatMessage ?? message, {}, { code: details.code, request_id: details.requestId }, details.retryAfterSeconds)
    this.name = 'UpstreamError'
    this.message = message
    if (details.cause !== undefined) this.cause = details.cause
    this.code = details.code
    this.wechatMessage = details.wechatMessage
    this.requestId = details.requestId
    this.upstreamStatus = details.upstreamStatus
    this.verification = details.verification
    this.serial = details.serial
  }
}
