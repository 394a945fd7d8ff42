/** @see https://www.rfc-editor.org/rfc/rfc9211 */
export const CACHE_NAME = 'wxpay-cards-bff'

export type CacheOutcome = 'hit' | 'miss' | 'stale' | 'stale-if-error' | 'bypass' | 'collapsed'

export function hitStatus (ttlSeconds: number, detail?: string): string {
  return `${CACHE_NAME}; hit; ttl=${ttlSeconds}${detail === undefined ? '' : `; detail=${detail}`}`
}

export function noCacheLimitedStatus (cacheStatus: string): string {
  return cacheStatus.includes('; detail=') ? cacheStatus : `${cacheStatus}; detail=no-cache-limited`
}

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
