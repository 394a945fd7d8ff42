import type { ProblemMembers } from '../problems/problem-error.js'
import { PROBLEM_NAMES, problemDefinition, problemType, type ProblemName } from '../problems/registry.js'

const REQUEST_ID = '08F5B8C2B506102C18FDDFEEA30620BE821E28EDC405-0'
const INSTANCE = 'urn:request:4b7b2a4e-8f0e-4c3e-9d7a-1c2b3d4e5f60'

interface Example { key: string, summary: string, problem: ProblemName, detail: string, members?: ProblemMembers }

/** What the service sends for WeChat Pay's codes and its own refusals; type, title and status come from the registry. */
const EXAMPLES: Example[] = [
  {
    key: 'invalid',
    summary: 'Our validation: every bad parameter',
    problem: 'invalid-request',
    detail: 'limit must be <= 20',
    members: { invalid_params: [{ name: 'limit', in: 'query', reason: 'must be <= 20' }] }
  },
  {
    key: 'paramError',
    summary: 'WeChat Pay PARAM ERROR',
    problem: 'upstream-param-error',
    detail: 'AppID有误',
    members: { code: 'PARAM ERROR', request_id: REQUEST_ID }
  },
  {
    key: 'unauthorized',
    summary: 'INTERNAL_API_TOKENS is set',
    problem: 'unauthorized',
    detail: 'Send Authorization: Bearer <token>.'
  },
  {
    key: 'noAuth',
    summary: 'WeChat Pay NO_AUTH',
    problem: 'upstream-no-auth',
    detail: '商户暂无权限使用此功能',
    members: { code: 'NO_AUTH', request_id: REQUEST_ID }
  },
  {
    key: 'notFound',
    summary: 'WeChat Pay RESOURCE_NOT_EXISTS',
    problem: 'upstream-not-found',
    detail: '资源不存在',
    members: { code: 'RESOURCE_NOT_EXISTS', request_id: REQUEST_ID }
  },
  {
    key: 'tooLong',
    summary: 'A query over 2 KB',
    problem: 'query-too-long',
    detail: 'Queries are limited to 2048 bytes.'
  },
  {
    key: 'frequencyLimited',
    summary: 'WeChat Pay FREQUENCY_LIMITED',
    problem: 'upstream-rate-limited',
    detail: '请求过于频繁',
    members: { code: 'FREQUENCY_LIMITED', request_id: REQUEST_ID }
  },
  {
    key: 'callerLimited',
    summary: 'RATE_LIMIT_PER_MINUTE for this caller',
    problem: 'rate-limited',
    detail: 'At most 600 requests a minute; retry in 12 seconds.'
  },
  {
    key: 'signError',
    summary: 'WeChat Pay SIGN_ERROR (our credentials or clock)',
    problem: 'upstream-sign-error',
    detail: '签名错误，请检查后再试',
    members: { code: 'SIGN_ERROR', request_id: REQUEST_ID }
  },
  {
    key: 'systemError',
    summary: 'WeChat Pay SYSTEM_ERROR',
    problem: 'upstream-system-error',
    detail: '系统异常，请稍后重试',
    members: { code: 'SYSTEM_ERROR', request_id: REQUEST_ID }
  },
  {
    key: 'unverified',
    summary: 'An answer that failed verification',
    problem: 'upstream-signature-invalid',
    detail: 'answer refused: bad-signature',
    members: { request_id: REQUEST_ID }
  },
  {
    key: 'budget',
    summary: 'The fleet\'s UPSTREAM_MAX_RPS budget is used up',
    problem: 'upstream-budget-exhausted',
    detail: 'over the 5/s WeChat Pay budget'
  },
  {
    key: 'timeout',
    summary: 'No answer within WECHATPAY_TIMEOUT_MS',
    problem: 'upstream-timeout',
    detail: 'WeChat Pay did not answer in time'
  }
]

/** The examples of one status, as OpenAPI wants them: a map of named examples. */
function examplesOf (status: number): Record<string, { summary: string, value: Record<string, unknown> }> | undefined {
  const entries = EXAMPLES.filter((example) => problemDefinition(example.problem).status === status).map((example) => {
    const { title } = problemDefinition(example.problem)
    const value = { type: problemType(example.problem), title, status, detail: example.detail, instance: INSTANCE, ...example.members }
    return [example.key, { summary: example.summary, value }] as const
  })
  return entries.length === 0 ? undefined : Object.fromEntries(entries)
}

// Response headers are JSON schemas here; @fastify/swagger wraps them into OpenAPI header objects.
const RETRY_AFTER = { 'Retry-After': { type: 'integer', description: 'Seconds to wait before trying again.' } }

/** Whether some problem of this status comes with Retry-After (every 429 and 503 does). */
function saysWhenToRetry (status: number): boolean {
  return status === 429 || status === 503 ||
    PROBLEM_NAMES.some((name) => problemDefinition(name).status === status && problemDefinition(name).retryAfterSeconds !== undefined)
}

/**
 * An OpenAPI response entry for a problem: application/problem+json with the one shared Problem
 * schema, examples for the status, and Retry-After where waiting helps.
 */
export function problemResponse (description: string, status?: number): Record<string, unknown> {
  const examples = status === undefined ? undefined : examplesOf(status)
  return {
    description,
    ...(status !== undefined && saysWhenToRetry(status) ? { headers: RETRY_AFTER } : {}),
    content: { 'application/problem+json': { schema: { $ref: 'Problem#' }, examples } }
  }
}

/** OpenAPI response entries for problems, each described for the route, keyed by status. */
export function problemResponses (descriptions: Record<number, string>): Record<number, Record<string, unknown>> {
  const entries = Object.entries(descriptions).map(([status, description]) => [status, problemResponse(description, Number(status))])
  return Object.fromEntries(entries)
}

/** The problems every internal route can answer before it runs: tokens, query length, the caller's rate, overload. */
export const GUARD_PROBLEMS = problemResponses({
  401: 'INTERNAL_API_TOKENS or CALLERS_FILE is set and the bearer token is missing or wrong.',
  414: 'The query string is over 2 KB.'
})

/** What WeChat Pay's answers about card templates can turn into, for every route that reads them. */
export const CARD_UPSTREAM_PROBLEMS = problemResponses({
  403: 'The merchant lacks permission for member cards (NO_AUTH).',
  404: 'WeChat Pay has no such resource (RESOURCE_NOT_EXISTS, NOT_FOUND).',
  429: 'WeChat Pay is limiting the merchant\'s request rate, this caller passed RATE_LIMIT_PER_MINUTE or its share of ' +
    'the WeChat Pay budget (UPSTREAM_CALLER_SHARE, with no cached page to serve), or its address too many failed ' +
    'authentications; see Retry-After.'
})

/** Route config of the internal API: bearer tokens when configured, and the per-caller rate limit. */
export const INTERNAL_ROUTE = { access: 'internal', rateLimit: {} } as const

/** Route config of cache administration: an admin token, always, and the per-caller rate limit. */
export const ADMIN_ROUTE = { access: 'admin', rateLimit: {} } as const

/** OpenAPI security of the internal API: a bearer token once INTERNAL_API_TOKENS is set, none until then. */
export const TOKEN_OPTIONAL: Array<Record<string, string[]>> = [{}, { bearer: [] }]

/** OpenAPI security of cache administration: always a bearer token. */
export const TOKEN_REQUIRED: Array<Record<string, string[]>> = [{ bearer: [] }]

/** Headers of every cached /cards answer, for the OpenAPI document. */
export const cacheHeaders = {
  'Cache-Status': {
    type: 'string',
    description: 'What the cache did (RFC 9211), e.g. `wxpay-cards-bff; hit; ttl=42` or `wxpay-cards-bff; fwd=miss; stored`.'
  },
  ETag: { type: 'string', description: 'Strong validator of the page bytes; send it back in If-None-Match.' },
  Age: { type: 'integer', description: 'Seconds since the page was fetched from WeChat Pay.' },
  'Cache-Control': { type: 'string', description: '`private, max-age=<seconds of freshness left>`.' },
  'X-Wechatpay-Request-Id': { type: 'string', description: 'WeChat Pay\'s Request-ID of the call that fetched the page.' }
}
