/**
 * Cache-Status field values (RFC 9211) naming this service as the cache, e.g.
 * `wxpay-cards-bff; hit; ttl=42` or `wxpay-cards-bff; fwd=miss; stored`.
 * @see https://www.rfc-editor.org/rfc/rfc9211
 */
export const CACHE_NAME = 'wxpay-cards-bff'

/** How a page was obtained: the label of logs and metrics. */
export type CacheOutcome = 'hit' | 'miss' | 'stale' | 'stale-if-error' | 'bypass' | 'collapsed'

export function hitStatus (ttlSeconds: number, detail?: string): string {
  return `${CACHE_NAME}; hit; ttl=${ttlSeconds}${detail === undefined ? '' : `; detail=${detail}`}`
}

/**
 * The caller asked for a fresh fetch past NO_CACHE_PER_MINUTE and got the cached page: say so,
 * unless the value already carries a detail of its own.
 */
export function noCacheLimitedStatus (cacheStatus: string): string {
  return cacheStatus.includes('; detail=') ? cacheStatus : `${cacheStatus}; detail=no-cache-limited`
}

/** `fwd=request` when the caller's no-cache sent us upstream, `fwd=miss` when nothing usable was stored. */
export function forwardStatus (
  reason: 'miss' | 'request' | 'stale',
  options: { stored?: boolean, collapsed?: boolean, ttlSeconds?: number, fwdStatus?: number, detail?: string } = {}
): string {
  let value = `${CACHE_NAME}; fwd=${reason}`
  if (options.fwdStatus !== undefined) value += `; fwd-status=${options.fwdStatus}`
  if (options.ttlSeconds !== undefined) value += `; ttl=${options.ttlSeconds}`
  if (options.stored === true) value += '; stored'
  if (options.collapsed === true) value += '; collapsed'
  if (options.detail !== undefined) value += `; detail=${options.detail}`
  return value
}
