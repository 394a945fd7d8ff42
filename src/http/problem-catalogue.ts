/**
 * Every problem `type` this service can send, with what a person reading it needs: what happened,
 * whether to retry, and what an operator should check. `GET /problems/<name>` serves each entry, so a
 * `type` resolves to documentation (RFC 9457 §3.1.1). A test scans src/ for `'/problems/…'` literals
 * and fails when one is missing here.
 * @see https://www.rfc-editor.org/rfc/rfc9457#name-type
 */
export interface ProblemDoc {
  title: string
  status: number
  /** What happened, in a sentence or two. */
  what: string
  /** Whether the same request may succeed later, and when. */
  retry: string
  /** What an operator should look at. */
  operator: string
}

const RETRY_LATER = 'Yes, later, with backoff; a stale cached page may be served meanwhile.'
const NO_RETRY = 'No: the same request will fail the same way.'

export const PROBLEM_CATALOGUE: Readonly<Record<string, ProblemDoc>> = Object.freeze({
  'invalid-request': {
    title: 'The request has invalid parameters',
    status: 400,
    what: 'A parameter failed this service\'s validation; `invalid_params` lists every bad one. WeChat Pay was not called.',
    retry: 'No: fix the listed parameters first.',
    operator: 'Nothing, unless a frontend sends it repeatedly: then its release is out of step with the OpenAPI document at /docs/json.'
  },
  'not-found': {
    title: 'Not found',
    status: 404,
    what: 'There is no route at this path.',
    retry: NO_RETRY,
    operator: 'The caller\'s base URL or path; the routes are listed at /docs.'
  },
  'method-not-allowed': {
    title: 'Method not allowed',
    status: 405,
    what: 'The path exists but not with this method; the `Allow` header lists the methods it has.',
    retry: 'No: use a method from `Allow`.',
    operator: 'Nothing on the service side.'
  },
  'query-too-long': {
    title: 'The query string is too long',
    status: 414,
    what: 'The request URL is longer than this service accepts.',
    retry: 'No: shorten the query.',
    operator: 'Which caller sends such URLs (the access log has the request id).'
  },
  unauthorized: {
    title: 'Unauthorized',
    status: 401,
    what: 'The request did not carry credentials this service accepts.',
    retry: 'No: send valid credentials.',
    operator: 'The caller\'s credentials and the service\'s configured credentials.'
  },
  'rate-limited': {
    title: 'Too many requests',
    status: 429,
    what: 'This caller sent more requests than this service allows in its window, to protect the merchant\'s WeChat Pay quota.',
    retry: 'Yes, after the `Retry-After` header\'s seconds.',
    operator: 'Which caller is over its limit (the access log) and whether the limit suits it.'
  },
  overloaded: {
    title: 'The service is overloaded',
    status: 503,
    what: 'This replica is shedding load (event loop, memory or too many calls in flight) or shutting down.',
    retry: 'Yes, after `Retry-After`, ideally on another replica.',
    operator: 'CPU and memory of the replicas, the request rate, and whether to scale out.'
  },
  'cache-unavailable': {
    title: 'The cache is unavailable',
    status: 503,
    what: '`DELETE /cards/cache` could not reach Redis, so nothing was dropped. (Reads never fail for this: the cache fails open.)',
    retry: 'Yes, after `Retry-After`.',
    operator: 'Redis: reachability from the replicas, `REDIS_URL`, memory, and `/readyz` ("degraded" while Redis is down).'
  },
  'keys-unavailable': {
    title: 'No key to verify WeChat Pay\'s answers is available',
    status: 503,
    what: 'The service holds no key that can verify WeChat Pay\'s answers, so it does not call WeChat Pay: WECHATPAY_APIV3_KEY does not decrypt the platform certificates, or they could not be downloaded yet. `/readyz` says which (`checks.keys`, `keys.detail`).',
    retry: 'Yes, after `Retry-After`, ideally on another replica; it lasts until a certificate refresh succeeds.',
    operator: '`/readyz` and the error in the log: WECHATPAY_APIV3_KEY (APIv3密钥 in merchant platform > Account > API security), reachability of /v3/certificates, or configure the public key (WECHATPAY_PUBLIC_KEY_ID with WECHATPAY_PUBLIC_KEY_FILE). See README "Which key mode am I in?".'
  },
  'too-many-cards': {
    title: 'Too many card templates for one answer',
    status: 422,
    what: 'GET /cards/all returns at most CARDS_ALL_MAX cards, and this appid (or brand) has more; `detail` says how many. Only page 0 was read.',
    retry: 'No: page through the list with GET /cards (offset is a page index from 0, limit up to 20).',
    operator: 'Whether CARDS_ALL_MAX suits the merchant: each 20 cards over it cost one WeChat Pay call, within UPSTREAM_MAX_RPS.'
  },
  // 503, not 409 or 502: nothing is wrong with the request (409 would say so) or with WeChat Pay's
  // answers (502); the list was being edited, which passes, and 503 + Retry-After is what clients retry.
  'cards-changed-during-walk': {
    title: 'The card list changed while it was being read',
    status: 503,
    what: 'GET /cards/all found a page whose `total_count` (or number of cards) disagreed with page 0\'s, read every page again from WeChat Pay, and found a disagreement again. No partial list was returned.',
    retry: 'Yes, after `Retry-After`: once the merchant stops editing card templates the walk succeeds.',
    operator: 'Nothing usually: someone was creating or deleting card templates. If it persists, the warning "a page disagreed with page 0" in the log names the page.'
  },
  'internal-error': {
    title: 'Internal error',
    status: 500,
    what: 'The service failed unexpectedly: a bug. The response says nothing more on purpose.',
    retry: 'Perhaps once; report it either way.',
    operator: 'Search the logs for the problem\'s `instance` (the request id): the error line has the stack trace.'
  },
  'upstream-param-error': {
    title: 'WeChat Pay rejected a parameter',
    status: 400,
    what: 'WeChat Pay answered `PARAM_ERROR` (or its spelling `PARAM ERROR`), e.g. AppID有误 or 商户和品牌关系校验失败; `detail` is its message.',
    retry: 'No: fix the parameter (appid, brand_id) first.',
    operator: 'That the appid is bound to the merchant and the brand belongs to it, in the WeChat Pay merchant platform.'
  },
  'upstream-invalid-request': {
    title: 'WeChat Pay refused the request',
    status: 400,
    what: 'WeChat Pay answered `INVALID_REQUEST`, e.g. AppID非服务号 (the appid is not a service account).',
    retry: NO_RETRY,
    operator: 'The appid\'s type and binding in the WeChat Pay merchant platform.'
  },
  'upstream-bad-request': {
    title: 'WeChat Pay rejected the request',
    status: 400,
    what: 'WeChat Pay answered 400 with a code this service does not know; `code` and `detail` are WeChat Pay\'s.',
    retry: NO_RETRY,
    operator: 'WeChat Pay\'s documentation for `code`; add it to src/wechatpay/errors.ts if it is new.'
  },
  'upstream-no-auth': {
    title: 'The merchant lacks permission for member cards',
    status: 403,
    what: 'WeChat Pay answered `NO_AUTH` (商户暂无权限使用此功能): the merchant may not use the member-card API.',
    retry: 'No: it needs WeChat Pay to grant the permission.',
    operator: 'The member-card product in the merchant platform; open a ticket with WeChat Pay quoting `request_id`.'
  },
  'upstream-forbidden': {
    title: 'WeChat Pay denied access',
    status: 403,
    what: 'WeChat Pay answered 403 with a code this service does not know.',
    retry: NO_RETRY,
    operator: 'The merchant\'s permissions and WeChat Pay\'s documentation for `code`.'
  },
  'upstream-not-found': {
    title: 'WeChat Pay has no such resource',
    status: 404,
    what: 'WeChat Pay answered `RESOURCE_NOT_EXISTS` or `NOT_FOUND` (资源不存在).',
    retry: NO_RETRY,
    operator: 'That the appid and brand_id exist for this merchant.'
  },
  'upstream-rate-limited': {
    title: 'WeChat Pay is limiting our request rate',
    status: 429,
    what: 'WeChat Pay answered `FREQUENCY_LIMITED` or `RATELIMIT_EXCEEDED`: the merchant\'s quota is spent for now.',
    retry: 'Yes, after the `Retry-After` header\'s seconds (60 for FREQUENCY_LIMITED unless WeChat Pay says otherwise).',
    operator: 'The request rate to WeChat Pay across the fleet, the cache hit ratio (`Cache-Status`) and `CACHE_TTL_SECONDS`.'
  },
  'upstream-sign-error': {
    title: 'WeChat Pay refused our signature',
    status: 502,
    what: 'WeChat Pay answered `SIGN_ERROR` (or 401): it could not verify this service\'s request signature. Logged at error level.',
    retry: 'No: only an operator can fix it.',
    operator: 'WECHATPAY_MCHID, WECHATPAY_MERCHANT_SERIAL_NO and the private key belong together (the certificate may have been renewed), and the host clock is right.'
  },
  'upstream-system-error': {
    title: 'WeChat Pay had an internal error',
    status: 502,
    what: 'WeChat Pay answered `SYSTEM_ERROR` (系统异常，请稍后重试).',
    retry: RETRY_LATER,
    operator: 'WeChat Pay\'s status; if it persists, open a ticket quoting `request_id`.'
  },
  'upstream-unavailable': {
    title: 'WeChat Pay is temporarily unavailable',
    status: 502,
    what: 'WeChat Pay answered `SERVICE_UNAVAILABLE` (服务不可用).',
    retry: RETRY_LATER,
    operator: 'WeChat Pay\'s status; if it persists, open a ticket quoting `request_id`.'
  },
  'upstream-error': {
    title: 'WeChat Pay answered with an error',
    status: 502,
    what: 'WeChat Pay answered 5xx with a code this service does not know.',
    retry: RETRY_LATER,
    operator: 'WeChat Pay\'s status and the `code` in the log.'
  },
  'upstream-unexpected-status': {
    title: 'WeChat Pay answered with an unexpected status',
    status: 502,
    what: 'WeChat Pay answered a status that is neither success nor an error it documents: a redirect, or a 4xx other than 400, 401, 403, 404 and 429.',
    retry: NO_RETRY,
    operator: 'WECHATPAY_BASE_URL and any proxy between the service and WeChat Pay.'
  },
  'upstream-signature-invalid': {
    title: 'WeChat Pay\'s answer failed signature verification',
    status: 502,
    what: 'The answer was not served: its Wechatpay-Signature headers were missing, named an unknown key serial, had a timestamp over 5 minutes off, were a `WECHATPAY/SIGNTEST/` probe, or did not match the bytes.',
    retry: 'Once: WeChat Pay sends signature probes now and then. If it persists, alert.',
    operator: 'The `verification` reason in the log; WECHATPAY_PUBLIC_KEY_ID and the public key (rotated?); the host clock; any proxy that rewrites bodies.'
  },
  'upstream-bad-response': {
    title: 'WeChat Pay\'s answer was not a card page',
    status: 502,
    what: 'A verified 2xx answer was not a JSON object with a `data` array and a numeric `total_count`.',
    retry: NO_RETRY,
    operator: 'Whether WeChat Pay changed the endpoint\'s format; the log has WeChat Pay\'s Request-ID.'
  },
  'upstream-unreachable': {
    title: 'WeChat Pay could not be reached',
    status: 502,
    what: 'The connection to WeChat Pay failed: DNS, refused, reset or TLS.',
    retry: RETRY_LATER,
    operator: 'Egress from the replicas to WECHATPAY_BASE_URL: DNS, firewall, proxy, TLS interception.'
  },
  'upstream-budget-exhausted': {
    title: 'The merchant\'s WeChat Pay request budget is used up for now',
    status: 503,
    what: 'This service keeps the fleet under the merchant\'s WeChat Pay quota (UPSTREAM_MAX_RPS), to keep WeChat Pay from answering `FREQUENCY_LIMITED`, and the budget had no room for this call in time. WeChat Pay was not called.',
    retry: 'Yes, after a short wait (`Retry-After` when present); a stale cached page may be served meanwhile.',
    operator: 'The request rate to WeChat Pay across the fleet, the cache hit ratio (`Cache-Status`), `CACHE_TTL_SECONDS` and UPSTREAM_MAX_RPS against the merchant\'s quota.'
  },
  'upstream-timeout': {
    title: 'WeChat Pay did not answer in time',
    status: 504,
    what: 'No complete answer from WeChat Pay within WECHATPAY_TIMEOUT_MS.',
    retry: RETRY_LATER,
    operator: 'Upstream latency in the logs and metrics, egress, and whether WECHATPAY_TIMEOUT_MS is too tight.'
  }
} satisfies Record<string, ProblemDoc>)

export const PROBLEM_TYPE_PREFIX = '/problems/'

export function problemDoc (name: string): ProblemDoc | undefined {
  // hasOwn: the name comes from a URL, and "constructor" must not find Object's prototype.
  return Object.hasOwn(PROBLEM_CATALOGUE, name) ? PROBLEM_CATALOGUE[name] : undefined
}
