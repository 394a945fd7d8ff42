/**
 * The one table of WeChat Pay error codes: what each becomes for our callers. Codes come from the
 * endpoint's page (including its spelling `PARAM ERROR`) and the common APIv3 codes (reference §3.2).
 * Upstream 4xx that the caller can fix keep their status; anything that is our fault or WeChat's
 * (a signing error, a 5xx) is a 502, because the caller cannot fix it.
 */
export interface UpstreamErrorKind {
  status: number
  /** A stable problem type, relative to this service (RFC 9457 §3.1.1). */
  type: string
  title: string
  /** Whether the same request may succeed later. */
  retryable: boolean
  /** Seconds a caller should wait, for 429s WeChat Pay sends without a Retry-After. */
  retryAfterSeconds?: number
}

const paramError: UpstreamErrorKind = {
  status: 400, type: '/problems/upstream-param-error', title: 'WeChat Pay rejected a parameter', retryable: false
}
const rateLimited: UpstreamErrorKind = {
  status: 429, type: '/problems/upstream-rate-limited', title: 'WeChat Pay is limiting our request rate', retryable: true, retryAfterSeconds: 1
}
const notFound: UpstreamErrorKind = {
  status: 404, type: '/problems/upstream-not-found', title: 'WeChat Pay has no such resource', retryable: false
}

export const WECHATPAY_ERROR_CODES: Readonly<Record<string, UpstreamErrorKind>> = Object.freeze({
  PARAM_ERROR: paramError,
  'PARAM ERROR': paramError,
  INVALID_REQUEST: {
    status: 400, type: '/problems/upstream-invalid-request', title: 'WeChat Pay refused the request', retryable: false
  },
  SIGN_ERROR: {
    status: 502, type: '/problems/upstream-sign-error', title: 'WeChat Pay refused our signature', retryable: false
  },
  NO_AUTH: {
    status: 403, type: '/problems/upstream-no-auth', title: 'The merchant lacks permission for member cards', retryable: false
  },
  RESOURCE_NOT_EXISTS: notFound,
  NOT_FOUND: notFound,
  // FREQUENCY_LIMITED is a business-level limit; WeChat's own guides wait about a minute (reference §3.2).
  FREQUENCY_LIMITED: { ...rateLimited, retryAfterSeconds: 60 },
  RATELIMIT_EXCEEDED: rateLimited,
  SYSTEM_ERROR: {
    status: 502, type: '/problems/upstream-system-error', title: 'WeChat Pay had an internal error', retryable: true
  },
  SERVICE_UNAVAILABLE: {
    status: 502, type: '/problems/upstream-unavailable', title: 'WeChat Pay is temporarily unavailable', retryable: true
  }
})

/** For codes not in the table, WeChat's HTTP status decides. */
const BY_STATUS: Readonly<Record<number, UpstreamErrorKind>> = Object.freeze({
  400: { status: 400, type: '/problems/upstream-bad-request', title: 'WeChat Pay rejected the request', retryable: false },
  401: WECHATPAY_ERROR_CODES.SIGN_ERROR as UpstreamErrorKind,
  403: { status: 403, type: '/problems/upstream-forbidden', title: 'WeChat Pay denied access', retryable: false },
  404: notFound,
  429: rateLimited
})

const SERVER_ERROR: UpstreamErrorKind = {
  status: 502, type: '/problems/upstream-error', title: 'WeChat Pay answered with an error', retryable: true
}
const UNEXPECTED: UpstreamErrorKind = {
  status: 502, type: '/problems/upstream-unexpected-status', title: 'WeChat Pay answered with an unexpected status', retryable: false
}

/** Kinds of failure that are not WeChat error codes but still come from the upstream exchange. */
export const UPSTREAM_FAILURES = Object.freeze({
  signatureInvalid: {
    status: 502, type: '/problems/upstream-signature-invalid', title: 'WeChat Pay\'s answer failed signature verification', retryable: false
  },
  badResponse: {
    status: 502, type: '/problems/upstream-bad-response', title: 'WeChat Pay\'s answer was not a card page', retryable: false
  },
  unreachable: {
    status: 502, type: '/problems/upstream-unreachable', title: 'WeChat Pay could not be reached', retryable: true
  },
  timeout: {
    status: 504, type: '/problems/upstream-timeout', title: 'WeChat Pay did not answer in time', retryable: true
  },
  overBudget: {
    status: 503, type: '/problems/upstream-budget-exhausted', title: 'The merchant\'s WeChat Pay request budget is used up for now', retryable: true
  }
} satisfies Record<string, UpstreamErrorKind>)

/** Maps a non-2xx WeChat Pay answer to what our caller gets. Code first, then HTTP status. */
export function classifyWechatpayError (httpStatus: number, code: string | undefined): UpstreamErrorKind {
  // hasOwn: a code is text from the network, and "constructor" must not find Object's prototype.
  if (code !== undefined && Object.hasOwn(WECHATPAY_ERROR_CODES, code)) return WECHATPAY_ERROR_CODES[code] as UpstreamErrorKind
  if (Object.hasOwn(BY_STATUS, httpStatus)) return BY_STATUS[httpStatus] as UpstreamErrorKind
  return httpStatus >= 500 ? SERVER_ERROR : UNEXPECTED
}
