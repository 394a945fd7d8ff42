// docs/operations.md#tracing says what each holds.

export const REQUEST_ID = 'http.response.header.x-request-id'
export const CACHE_OUTCOME = 'cards.cache.outcome'
export const CACHE_ENDPOINT = 'cards.cache.endpoint'
export const CALLER = 'cards.caller'
export const WECHATPAY_ENDPOINT = 'wechatpay.endpoint'
export const WECHATPAY_ATTEMPT = 'wechatpay.attempt'
export const WECHATPAY_REQUEST_ID = 'wechatpay.request_id'
export const WECHATPAY_ERROR_CODE = 'wechatpay.error_code'
export const WECHATPAY_VERIFICATION = 'wechatpay.verification'
export const WAIT_OUTCOME = 'wait.outcome'
