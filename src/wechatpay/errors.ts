import type { ProblemName } from '../problems/registry.js'

/**
 * Codes come from the endpoint's page (including its spelling `PARAM ERROR`) and the common APIv3 codes
 * (docs/wechatpay-protocol.md §3.2). What the caller cannot fix (a signing error, a 5xx) is a 502.
 */
export const WECHATPAY_ERROR_CODES: Readonly<Record<string, ProblemName>> = Object.freeze({
  PARAM_ERROR: 'upstream-param-error',
  'PARAM ERROR': 'upstream-param-error',
  INVALID_REQUEST: 'upstream-invalid-request',
  SIGN_ERROR: 'upstream-sign-error',
  NO_AUTH: 'upstream-no-auth',
  RESOURCE_NOT_EXISTS: 'upstream-not-found',
  NOT_FOUND: 'upstream-not-found',
  FREQUENCY_LIMITED: 'upstream-rate-limited',
  RATELIMIT_EXCEEDED: 'upstream-rate-limited',
  SYSTEM_ERROR: 'upstream-system-error',
  SERVICE_UNAVAILABLE: 'upstream-unavailable'
})

/** FREQUENCY_LIMITED is a business-level limit: WeChat's own guides wait about a minute (§3.2). */
const RETRY_AFTER_BY_CODE: Readonly<Record<string, number>> = Object.freeze({ FREQUENCY_LIMITED: 60 })

const BY_STATUS: Readonly<Record<number, ProblemName>> = Object.freeze({
  400: 'upstream-bad-request',
  401: 'upstream-sign-error',
  403: 'upstream-forbidden',
  404: 'upstream-not-found',
  429: 'upstream-rate-limited'
})

export function classifyWechatpayError (httpStatus: number, code: string | undefined): ProblemName {
  // hasOwn: a code is text from the network, and "constructor" must not find Object's prototype.
  if (code !== undefined && Object.hasOwn(WECHATPAY_ERROR_CODES, code)) return WECHATPAY_ERROR_CODES[code] as ProblemName
  if (Object.hasOwn(BY_STATUS, httpStatus)) return BY_STATUS[httpStatus] as ProblemName
  return httpStatus >= 500 ? 'upstream-error' : 'upstream-unexpected-status'
}

/** Anything unknown is `other`, so an upstream (or something posing as one) cannot create label values at will. */
export function codeLabel (code: string | undefined): string | undefined {
  if (code === undefined) return undefined
  return Object.hasOwn(WECHATPAY_ERROR_CODES, code) ? code : 'other'
}

export function retryAfterForCode (code: string | undefined): number | undefined {
  return code !== undefined && Object.hasOwn(RETRY_AFTER_BY_CODE, code) ? RETRY_AFTER_BY_CODE[code] : undefined
}
