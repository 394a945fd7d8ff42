const REQUEST_ID = '08F5B8C2B506102C18FDDFEEA30620BE821E28EDC405-0'
const INSTANCE = 'urn:request:4b7b2a4e-8f0e-4c3e-9d7a-1c2b3d4e5f60'

/** Examples of each status, taken from what the service sends for WeChat Pay's codes. */
const EXAMPLES: Record<number, Record<string, { summary: string, value: Record<string, unknown> }>> = {
  400: {
    invalid: { summary: 'Our validation: every bad parameter', value: { type: '/problems/invalid-request', title: 'The request has invalid parameters', status: 400, detail: 'limit must be <= 20', instance: INSTANCE, invalid_params: [{ name: 'limit', in: 'query', reason: 'must be <= 20' }] } },
    paramError: { summary: 'WeChat Pay PARAM ERROR', value: { type: '/problems/upstream-param-error', title: 'WeChat Pay rejected a parameter', status: 400, detail: 'AppID有误', instance: INSTANCE, code: 'PARAM ERROR', request_id: REQUEST_ID } }
  },
  401: { unauthorized: { summary: 'INTERNAL_API_TOKENS is set', value: { type: '/problems/unauthorized', title: 'A valid bearer token is required', status: 401, detail: 'Send Authorization: Bearer <token>.', instance: INSTANCE } } },
  403: { noAuth: { summary: 'WeChat Pay NO_AUTH', value: { type: '/problems/upstream-no-auth', title: 'The merchant lacks permission for member cards', status: 403, detail: '商户暂无权限使用此功能', instance: INSTANCE, code: 'NO_AUTH', request_id: REQUEST_ID } } },
  404: { notFound: { summary: 'WeChat Pay RESOURCE_NOT_EXISTS', value: { type: '/problems/upstream-not-found', title: 'WeChat Pay has no such resource', status: 404, detail: '资源不存在', instance: INSTANCE, code: 'RESOURCE_NOT_EXISTS', request_id: REQUEST_ID } } },
  414: { tooLong: { summary: 'A query over 2 KB', value: { type: '/problems/query-too-long', title: 'The query string is too long', status: 414, detail: 'Queries are limited to 2048 bytes.', instance: INSTANCE } } },
  429: {
    frequencyLimited: { summary: 'WeChat Pay FREQUENCY_LIMITED', value: { type: '/problems/upstream-rate-limited', title: 'WeChat Pay is limiting our request rate', status: 429, detail: '请求过于频繁', instance: INSTANCE, code: 'FREQUENCY_LIMITED', request_id: REQUEST_ID } },
    callerLimited: { summary: 'RATE_LIMIT_PER_MINUTE for this caller', value: { type: '/problems/rate-limited', title: 'Too many requests from this caller', status: 429, detail: 'At most 600 requests a minute; retry in 12 seconds.', instance: INSTANCE } }
  },
  502: {
    signError: { summary: 'WeChat Pay SIGN_ERROR (our credentials or clock)', value: { type: '/problems/upstream-sign-error', title: 'WeChat Pay refused our signature', status: 502, detail: '签名错误，请检查后再试', instance: INSTANCE, code: 'SIGN_ERROR', request_id: REQUEST_ID } },
    systemError: { summary: 'WeChat Pay SYSTEM_ERROR', value: { type: '/problems/upstream-system-error', title: 'WeChat Pay had an internal error', status: 502, detail: '系统异常，请稍后重试', instance: INSTANCE, code: 'SYSTEM_ERROR', request_id: REQUEST_ID } },
    unverified: { summary: 'An answer that failed verification', value: { type: '/problems/upstream-signature-invalid', title: 'WeChat Pay\'s answer failed signature verification', status: 502, detail: 'answer refused: bad-signature', instance: INSTANCE, request_id: REQUEST_ID } }
  },
  503: { budget: { summary: 'The fleet\'s UPSTREAM_MAX_RPS budget is used up', value: { type: '/problems/upstream-budget-exhausted', title: 'The merchant\'s WeChat Pay request budget is used up for now', status: 503, detail: 'over the 5/s WeChat Pay budget', instance: INSTANCE } } },
  504: { timeout: { summary: 'No answer within WECHATPAY_TIMEOUT_MS', value: { type: '/problems/upstream-timeout', title: 'WeChat Pay did not answer in time', status: 504, detail: 'WeChat Pay did not answer in time', instance: INSTANCE } } }
}

// Response headers are JSON schemas here; @fastify/swagger wraps them into OpenAPI header objects.
const RETRY_AFTER = { 'Retry-After': { type: 'integer', description: 'Seconds to wait before trying again.' } }

/**
 * An OpenAPI response entry for a problem: application/problem+json with the one shared Problem
 * schema, examples for the status, and Retry-After where waiting helps.
 */
export function problemResponse (description: string, status?: number): Record<string, unknown> {
  const examples = status === undefined ? undefined : EXAMPLES[status]
  return {
    description,
    ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}),
    content: { 'application/problem+json': { schema: { $ref: 'Problem#' }, ...(examples === undefined ? {} : { examples }) } }
  }
}

/** The problems every internal route can answer before it runs: tokens, query length, the caller's rate, overload. */
export const GUARD_PROBLEMS = {
  401: problemResponse('INTERNAL_API_TOKENS is set and the bearer token is missing or wrong.', 401),
  414: problemResponse('The query string is over 2 KB.', 414)
}

/** Route config of the internal API: bearer tokens when configured, and the per-caller rate limit. */
export const INTERNAL_ROUTE = { internal: true, rateLimit: {} }

/** Headers of every cached /cards answer, for the OpenAPI document. */
export const cacheHeaders = {
  'Cache-Status': { type: 'string', description: 'What the cache did (RFC 9211), e.g. `wxpay-cards-bff; hit; ttl=42` or `wxpay-cards-bff; fwd=miss; stored`.' },
  ETag: { type: 'string', description: 'Strong validator of the page bytes; send it back in If-None-Match.' },
  Age: { type: 'integer', description: 'Seconds since the page was fetched from WeChat Pay.' },
  'Cache-Control': { type: 'string', description: '`private, max-age=<seconds of freshness left>`.' },
  'X-Wechatpay-Request-Id': { type: 'string', description: 'WeChat Pay\'s Request-ID of the call that fetched the page.' }
}
