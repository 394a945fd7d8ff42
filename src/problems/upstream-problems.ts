import { NO_RETRY, RETRY_LATER, type ProblemDefinition } from './problem-definition.js'

/**
 * Problems of the exchange with WeChat Pay: what its error codes become (src/wechatpay/errors.ts
 * maps each code to one of these names) and how an exchange can fail without one. Part of the one
 * registry in registry.ts.
 */
export const UPSTREAM_PROBLEMS = {
  'upstream-param-error': {
    title: 'WeChat Pay rejected a parameter',
    status: 400,
    retryable: false,
    what: 'WeChat Pay answered `PARAM_ERROR` (or its spelling `PARAM ERROR`), e.g. AppID有误 or 商户和品牌关系校验失败; `detail` is its message.',
    retry: 'No: fix the parameter (appid, brand_id) first.',
    operator: 'That the appid is bound to the merchant and the brand belongs to it, in the WeChat Pay merchant platform.'
  },
  'upstream-invalid-request': {
    title: 'WeChat Pay refused the request',
    status: 400,
    retryable: false,
    what: 'WeChat Pay answered `INVALID_REQUEST`, e.g. AppID非服务号 (the appid is not a service account).',
    retry: NO_RETRY,
    operator: 'The appid\'s type and binding in the WeChat Pay merchant platform.'
  },
  'upstream-bad-request': {
    title: 'WeChat Pay rejected the request',
    status: 400,
    retryable: false,
    what: 'WeChat Pay answered 400 with a code this service does not know; `code` and `detail` are WeChat Pay\'s.',
    retry: NO_RETRY,
    operator: 'WeChat Pay\'s documentation for `code`; add it to src/wechatpay/errors.ts if it is new.'
  },
  'upstream-no-auth': {
    title: 'The merchant lacks permission for member cards',
    status: 403,
    retryable: false,
    what: 'WeChat Pay answered `NO_AUTH` (商户暂无权限使用此功能): the merchant may not use the member-card API.',
    retry: 'No: it needs WeChat Pay to grant the permission.',
    operator: 'The member-card product in the merchant platform; open a ticket with WeChat Pay quoting `request_id`.'
  },
  'upstream-forbidden': {
    title: 'WeChat Pay denied access',
    status: 403,
    retryable: false,
    what: 'WeChat Pay answered 403 with a code this service does not know.',
    retry: NO_RETRY,
    operator: 'The merchant\'s permissions and WeChat Pay\'s documentation for `code`.'
  },
  'upstream-not-found': {
    title: 'WeChat Pay has no such resource',
    status: 404,
    retryable: false,
    what: 'WeChat Pay answered `RESOURCE_NOT_EXISTS` or `NOT_FOUND` (资源不存在).',
    retry: NO_RETRY,
    operator: 'That the appid and brand_id exist for this merchant.'
  },
  'upstream-rate-limited': {
    title: 'WeChat Pay is limiting our request rate',
    status: 429,
    retryable: true,
    retryAfterSeconds: 1,
    what: 'WeChat Pay answered `FREQUENCY_LIMITED` or `RATELIMIT_EXCEEDED`: the merchant\'s quota is spent for now.',
    retry: 'Yes, after the `Retry-After` header\'s seconds (60 for FREQUENCY_LIMITED unless WeChat Pay says otherwise).',
    operator: 'The request rate to WeChat Pay across the fleet, the cache hit ratio (`Cache-Status`) and `CACHE_TTL_SECONDS`.'
  },
  'upstream-sign-error': {
    title: 'WeChat Pay refused our signature',
    status: 502,
    retryable: false,
    what: 'WeChat Pay answered `SIGN_ERROR` (or 401): it could not verify this service\'s request signature. Logged at error level.',
    retry: 'No: only an operator can fix it.',
    operator: 'WECHATPAY_MCHID, WECHATPAY_MERCHANT_SERIAL_NO and the private key belong together ' +
      '(the certificate may have been renewed), and the host clock is right.'
  },
  'upstream-system-error': {
    title: 'WeChat Pay had an internal error',
    status: 502,
    retryable: true,
    what: 'WeChat Pay answered `SYSTEM_ERROR` (系统异常，请稍后重试).',
    retry: RETRY_LATER,
    operator: 'WeChat Pay\'s status; if it persists, open a ticket quoting `request_id`.'
  },
  'upstream-unavailable': {
    title: 'WeChat Pay is temporarily unavailable',
    status: 502,
    retryable: true,
    what: 'WeChat Pay answered `SERVICE_UNAVAILABLE` (服务不可用).',
    retry: RETRY_LATER,
    operator: 'WeChat Pay\'s status; if it persists, open a ticket quoting `request_id`.'
  },
  'upstream-error': {
    title: 'WeChat Pay answered with an error',
    status: 502,
    retryable: true,
    what: 'WeChat Pay answered 5xx with a code this service does not know.',
    retry: RETRY_LATER,
    operator: 'WeChat Pay\'s status and the `code` in the log.'
  },
  'upstream-unexpected-status': {
    title: 'WeChat Pay answered with an unexpected status',
    status: 502,
    retryable: false,
    what: 'WeChat Pay answered a status that is neither success nor an error it documents: ' +
      'a redirect, or a 4xx other than 400, 401, 403, 404 and 429.',
    retry: NO_RETRY,
    operator: 'WECHATPAY_BASE_URL and any proxy between the service and WeChat Pay.'
  },
  'upstream-signature-invalid': {
    title: 'WeChat Pay\'s answer failed signature verification',
    status: 502,
    retryable: false,
    what: 'The answer was not served: its Wechatpay-Signature headers were missing, named an unknown key serial, ' +
      'had a timestamp over 5 minutes off, were a `WECHATPAY/SIGNTEST/` probe, or did not match the bytes.',
    retry: 'Once: WeChat Pay sends signature probes now and then. If it persists, alert.',
    operator: 'The `verification` reason in the log; WECHATPAY_PUBLIC_KEY_ID and the public key (rotated?); ' +
      'the host clock; any proxy that rewrites bodies.'
  },
  'upstream-bad-response': {
    title: 'WeChat Pay\'s answer was not what the endpoint returns',
    status: 502,
    retryable: false,
    what: 'A verified 2xx answer did not have the endpoint\'s shape: for a page, a JSON object with a `data` array and a ' +
      'numeric `total_count`; for a template, a JSON object whose `card_id` is the one asked for.',
    retry: NO_RETRY,
    operator: 'Whether WeChat Pay changed the endpoint\'s format; the log has WeChat Pay\'s Request-ID.'
  },
  'upstream-unreachable': {
    title: 'WeChat Pay could not be reached',
    status: 502,
    retryable: true,
    // A few seconds, not the circuit breaker's whole cool-down: a reset or a refused connection often passes.
    retryAfterSeconds: 5,
    what: 'The connection to WeChat Pay failed: DNS, refused, reset or TLS.',
    retry: RETRY_LATER,
    operator: 'Egress from the replicas to WECHATPAY_BASE_URL: DNS, firewall, proxy, TLS interception.'
  },
  'upstream-budget-exhausted': {
    title: 'The merchant\'s WeChat Pay request budget is used up for now',
    status: 503,
    retryable: true,
    what: 'This service keeps the fleet under the merchant\'s WeChat Pay quota (UPSTREAM_MAX_RPS), ' +
      'to keep WeChat Pay from answering `FREQUENCY_LIMITED`, and the budget had no room for this call in time. ' +
      'WeChat Pay was not called.',
    retry: 'Yes, after a short wait (`Retry-After` when present); a stale cached page may be served meanwhile.',
    operator: 'The request rate to WeChat Pay across the fleet, the cache hit ratio (`Cache-Status`), ' +
      '`CACHE_TTL_SECONDS` and UPSTREAM_MAX_RPS against the merchant\'s quota.'
  },
  'upstream-timeout': {
    title: 'WeChat Pay did not answer in time',
    status: 504,
    retryable: true,
    what: 'No complete answer from WeChat Pay within WECHATPAY_TIMEOUT_MS.',
    retry: RETRY_LATER,
    operator: 'Upstream latency in the logs and metrics, egress, and whether WECHATPAY_TIMEOUT_MS is too tight.'
  }
} as const satisfies Record<string, ProblemDefinition>
