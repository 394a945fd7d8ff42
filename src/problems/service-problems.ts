import { NO_RETRY, type ProblemDefinition } from './problem-definition.js'

/**
 * Problems the service decides on its own: its validation, its routes, its guards and its cache.
 * Part of the one registry in registry.ts.
 */
export const SERVICE_PROBLEMS = {
  'invalid-request': {
    title: 'The request has invalid parameters',
    status: 400,
    retryable: false,
    what: 'A parameter failed this service\'s validation; `invalid_params` lists every bad one. WeChat Pay was not called.',
    retry: 'No: fix the listed parameters first.',
    operator: 'Nothing, unless a frontend sends it repeatedly: then its release is out of step with the OpenAPI document at /docs/json.'
  },
  'not-found': {
    title: 'Not found',
    status: 404,
    retryable: false,
    what: 'There is no route at this path.',
    retry: NO_RETRY,
    operator: 'The caller\'s base URL or path; the routes are listed at /docs.'
  },
  'method-not-allowed': {
    title: 'Method not allowed',
    status: 405,
    retryable: false,
    what: 'The path exists but not with this method; the `Allow` header lists the methods it has.',
    retry: 'No: use a method from `Allow`.',
    operator: 'Nothing on the service side.'
  },
  'query-too-long': {
    title: 'The query string is too long',
    status: 414,
    retryable: false,
    what: 'The request URL is longer than this service accepts.',
    retry: 'No: shorten the query.',
    operator: 'Which caller sends such URLs (the access log has the request id).'
  },
  unauthorized: {
    title: 'A valid bearer token is required',
    status: 401,
    retryable: false,
    what: 'The request did not carry credentials this service accepts.',
    retry: 'No: send valid credentials.',
    operator: 'The caller\'s credentials and the service\'s configured credentials.'
  },
  'purge-not-configured': {
    title: 'Purging the cache is not configured',
    status: 403,
    retryable: false,
    what: 'Purging drops every cached page of an appid, the stale copies that protect callers while WeChat Pay fails included, ' +
      'so it takes a token, and this service has none configured for it.',
    retry: 'No: an operator must configure a token first.',
    operator: 'Set CACHE_ADMIN_TOKENS (or INTERNAL_API_TOKENS) and give the token to whoever purges; see docs/configuration.md.'
  },
  'request-body-not-allowed': {
    title: 'This route takes no request body',
    status: 413,
    retryable: false,
    what: 'The request carried a body (Content-Length or Transfer-Encoding), and no route of this service takes one. ' +
      'The connection is closed without reading it.',
    retry: 'No: send the request without a body.',
    operator: 'Which caller sends bodies (the access log has the request id); a proxy that adds one.'
  },
  'rate-limited': {
    title: 'Too many requests from this caller',
    status: 429,
    retryable: true,
    what: 'This caller sent more requests than this service allows in its window, to protect the merchant\'s WeChat Pay quota.',
    retry: 'Yes, after the `Retry-After` header\'s seconds.',
    operator: 'Which caller is over its limit (the access log) and whether the limit suits it.'
  },
  'auth-failures-exceeded': {
    title: 'Too many failed authentications from this address',
    status: 429,
    retryable: true,
    what: 'Requests from this address presented more wrong (or missing) bearer tokens than AUTH_FAILURES_PER_MINUTE allows; ' +
      'until the window ends, each further failure is refused this way, on every route, so tokens cannot be guessed.',
    retry: 'Yes, after `Retry-After`, with a valid token.',
    operator: 'Which address fails (the access log\'s warnings) and whether a caller holds a rotated-out token.'
  },
  'purge-not-allowed': {
    title: 'This caller may not purge the cache',
    status: 403,
    retryable: false,
    what: 'The token is valid, but its caller is not allowed to use `DELETE /cards/cache`.',
    retry: 'No: purge with a token that may (CACHE_ADMIN_TOKENS, INTERNAL_API_TOKENS, or a CALLERS_FILE line with `purge`).',
    operator: 'Add `purge` to the caller\'s line in CALLERS_FILE if it should purge.'
  },
  'refresh-limited': {
    title: 'Too many forced refreshes from this caller',
    status: 429,
    retryable: true,
    what: 'A purge forces the next reads to WeChat Pay, so it counts against the caller\'s NO_CACHE_PER_MINUTE like ' +
      '`Cache-Control: no-cache`, and this caller has used its minute\'s allowance. Nothing was dropped.',
    retry: 'Yes, after `Retry-After`.',
    operator: 'Which caller purges in a loop (the access log\'s `caller`), and whether NO_CACHE_PER_MINUTE suits it.'
  },
  'upstream-share-exceeded': {
    title: 'This caller used its share of the WeChat Pay budget',
    status: 429,
    retryable: true,
    retryAfterSeconds: 1,
    what: 'No caller may spend more than UPSTREAM_CALLER_SHARE of the merchant\'s WeChat Pay budget (UPSTREAM_MAX_RPS), ' +
      'so that one caller cannot starve the others; this page was not cached, so there was nothing to serve instead.',
    retry: 'Yes, after `Retry-After`; cached pages keep being served meanwhile.',
    operator: 'Which caller reads so many uncached pages (the access log\'s `caller`, the `caller` label of ' +
      'http_requests_total) and whether UPSTREAM_CALLER_SHARE or UPSTREAM_MAX_RPS suit the traffic.'
  },
  'too-many-walks': {
    title: 'Too many GET /cards/all calls from this caller at once',
    status: 429,
    retryable: true,
    retryAfterSeconds: 1,
    what: 'This caller already runs as many `GET /cards/all` calls on this replica as one caller may at once ' +
      '(`detail` says how many); each holds a whole card list in memory. This one was refused before any page was read.',
    retry: 'Yes, after `Retry-After`, once one of the caller\'s own calls has answered: call one after another rather than side by side.',
    operator: 'Which caller sends walks side by side (the access log). The count is per replica: ' +
      'a caller whose calls are spread over several replicas may run that many on each.'
  },
  overloaded: {
    title: 'The service is overloaded',
    status: 503,
    retryable: true,
    retryAfterSeconds: 5,
    what: 'This replica is shedding load (event loop, memory or too many calls in flight) or shutting down.',
    retry: 'Yes, after `Retry-After`, ideally on another replica.',
    operator: 'CPU and memory of the replicas, the request rate, and whether to scale out.'
  },
  'walks-busy': {
    title: 'This replica runs as many GET /cards/all calls as it allows',
    status: 503,
    retryable: true,
    retryAfterSeconds: 1,
    what: 'CARDS_ALL_CONCURRENCY `GET /cards/all` calls already run on this replica, each holding a whole card list in ' +
      'memory; this one was refused at once, before any page was read. Other routes are not affected.',
    retry: 'Yes, after `Retry-After`, ideally on another replica.',
    operator: 'How many callers walk at once and how long walks take (uncached pages wait for UPSTREAM_MAX_RPS); ' +
      'raise CARDS_ALL_CONCURRENCY if the replicas have memory to spare, or scale out.'
  },
  'cache-unavailable': {
    title: 'The cache is unavailable',
    status: 503,
    retryable: true,
    retryAfterSeconds: 5,
    what: '`DELETE /cards/cache` could not reach Redis, so nothing was dropped. (Reads never fail for this: the cache fails open.)',
    retry: 'Yes, after `Retry-After`.',
    operator: 'Redis: reachability from the replicas, `REDIS_URL`, memory, and `/readyz` ("degraded" while Redis is down).'
  },
  'keys-unavailable': {
    title: 'No key to verify WeChat Pay\'s answers is available',
    status: 503,
    retryable: true,
    retryAfterSeconds: 30,
    what: 'The service holds no key that can verify WeChat Pay\'s answers, so it does not call WeChat Pay: ' +
      'WECHATPAY_APIV3_KEY does not decrypt the platform certificates, or they could not be downloaded yet. ' +
      '`/readyz` says which in `checks.keys`; what to fix is in the log (and in `keys.detail` for a caller with a token).',
    retry: 'Yes, after `Retry-After`, ideally on another replica; it lasts until a certificate refresh succeeds.',
    operator: '`/readyz` and the error in the log: WECHATPAY_APIV3_KEY (APIv3密钥 in merchant platform > Account > API security), ' +
      'reachability of /v3/certificates, or configure the public key (WECHATPAY_PUBLIC_KEY_ID with WECHATPAY_PUBLIC_KEY_FILE). ' +
      'See docs/key-modes.md.'
  },
  'too-many-cards': {
    title: 'Too many card templates for one answer',
    status: 422,
    retryable: false,
    what: 'GET /cards/all returns at most CARDS_ALL_MAX cards, and this appid (or brand) has more; `detail` says how many. ' +
      'Only page 0 was read.',
    retry: 'No: page through the list with GET /cards (offset is a page index from 0, limit up to 20).',
    operator: 'Whether CARDS_ALL_MAX suits the merchant: each 20 cards over it cost one WeChat Pay call, within UPSTREAM_MAX_RPS.'
  },
  // 503, not 409 or 502: nothing is wrong with the request (409 would say so) or with WeChat Pay's
  // answers (502); the list was being edited, which passes, and 503 + Retry-After is what clients retry.,
  'cards-changed-during-walk': {
    title: 'The card list changed while it was being read',
    status: 503,
    retryable: true,
    retryAfterSeconds: 1,
    what: 'GET /cards/all found a page whose `total_count` (or number of cards) disagreed with page 0\'s, ' +
      'read every page again from WeChat Pay, and found a disagreement again. No partial list was returned.',
    retry: 'Yes, after `Retry-After`: once the merchant stops editing card templates the walk succeeds.',
    operator: 'Nothing usually: someone was creating or deleting card templates. ' +
      'If it persists, the warning "a page disagreed with page 0" in the log names the page.'
  },
  'internal-error': {
    title: 'Internal error',
    status: 500,
    retryable: false,
    what: 'The service failed unexpectedly: a bug. The response says nothing more on purpose.',
    retry: 'Perhaps once; report it either way.',
    operator: 'Search the logs for the problem\'s `instance` (the request id): the error line has the stack trace.'
  }
} as const satisfies Record<string, ProblemDefinition>
