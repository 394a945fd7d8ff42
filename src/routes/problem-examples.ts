import type { ProblemMembers } from '../problems/problem-error.js'
import type { ProblemName } from '../problems/registry.js'

const REQUEST_ID = '08F5B8C2B506102C18FDDFEEA30620BE821E28EDC405-0'
export const EXAMPLE_INSTANCE = 'urn:request:4b7b2a4e-8f0e-4c3e-9d7a-1c2b3d4e5f60'

export interface ProblemExample { key: string, summary: string, problem: ProblemName, detail: string, members?: ProblemMembers }

/** What the service sends for WeChat Pay's codes and its own refusals; type, title and status come from the registry. */
export const PROBLEM_EXAMPLES: readonly ProblemExample[] = [
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
    key: 'cardNotFound',
    summary: 'WeChat Pay INVALID_REQUEST 会员卡ID无效',
    problem: 'card-not-found',
    detail: '会员卡ID无效',
    members: { code: 'INVALID_REQUEST', request_id: REQUEST_ID }
  },
  {
    key: 'methodNotAllowed',
    summary: 'A method the path does not take',
    problem: 'method-not-allowed',
    detail: 'POST is not allowed on /cards; use GET'
  },
  {
    key: 'bodyNotAllowed',
    summary: 'A request with a body',
    problem: 'request-body-not-allowed',
    detail: 'GET /cards takes no body; send the request without one.'
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
