/**
 * The span attributes this service adds besides OpenTelemetry's semantic conventions, named once
 * (docs/operations.md#tracing says what each holds).
 */

/** The request's X-Request-Id, as a response header attribute of the conventions (an array). */
export const REQUEST_ID = 'http.response.header.x-request-id'
/** What the cache did for the request: hit, stale, stale-if-error, miss, collapsed, bypass. */
export const CACHE_OUTCOME = 'cards.cache.outcome'
/** Which endpoint's cache answered the request: `cards`, `card`. */
export const CACHE_ENDPOINT = 'cards.cache.endpoint'
/** Who asked: a configured caller's name, or `anonymous`; never a token. */
export const CALLER = 'cards.caller'
/** The endpoint a WeChat Pay call or a request was for (`cards`, …), or `certificates` for key downloads. */
export const WECHATPAY_ENDPOINT = 'wechatpay.endpoint'
/** 1 for the first attempt at a WeChat Pay call, 2 and 3 for its retries. */
export const WECHATPAY_ATTEMPT = 'wechatpay.attempt'
/** WeChat Pay's Request-ID, the key to any support ticket with WeChat Pay. */
export const WECHATPAY_REQUEST_ID = 'wechatpay.request_id'
/** WeChat Pay's error code, verbatim. */
export const WECHATPAY_ERROR_CODE = 'wechatpay.error_code'
/** `ok`, or why the answer's signature was refused. */
export const WECHATPAY_VERIFICATION = 'wechatpay.verification'
/** How a wait ended (budget: granted, refused; fleet fill: filled, failed, timeout, fetched-instead). */
export const WAIT_OUTCOME = 'wait.outcome'
