import { ProblemError } from '../problems/problem-error.js'
import type { ProblemName } from '../problems/registry.js'
import type { VerificationFailure } from './response-verifier.js'

export interface UpstreamErrorDetails {
  code?: string | undefined
  wechatMessage?: string | undefined
  requestId?: string | undefined
  upstreamStatus?: number | undefined
  retryAfterSeconds?: number | undefined
  verification?: VerificationFailure | undefined
  serial?: string | undefined
  cause?: unknown
}

/** Holds no upstream body: WeChat's `detail.sign_information` echoes our signed message and must travel no further. */
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
