/** An OpenAPI response entry for a problem, so every error is documented as application/problem+json. */
export function problemResponse (description: string): { description: string, content: Record<string, { schema: { $ref: string } }> } {
  return {
    description,
    content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } }
  }
}

/** Route config of the internal API: bearer tokens when configured, and the per-caller rate limit. */
export const INTERNAL_ROUTE = { internal: true, rateLimit: {} }

/** Headers of every cached /cards answer, for the OpenAPI document. */
export const cacheHeaders = {
  'Cache-Status': {
    description: 'What the cache did (RFC 9211), e.g. `wxpay-cards-bff; hit; ttl=42` or `wxpay-cards-bff; fwd=miss; stored`.',
    schema: { type: 'string' }
  },
  ETag: { description: 'Strong validator of the page bytes; send it back in If-None-Match.', schema: { type: 'string' } },
  Age: { description: 'Seconds since the page was fetched from WeChat Pay.', schema: { type: 'integer' } },
  'Cache-Control': { description: '`private, max-age=<seconds of freshness left>`.', schema: { type: 'string' } },
  'X-Wechatpay-Request-Id': { description: 'WeChat Pay\'s Request-ID of the call that fetched the page.', schema: { type: 'string' } }
}
