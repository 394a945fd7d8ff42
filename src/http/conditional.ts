import type { IncomingHttpHeaders } from 'node:http'

/**
 * If-None-Match uses the weak comparison (RFC 9110 §13.1.2): `W/"x"` matches `"x"`, and `*`
 * matches any current page.
 */
export function ifNoneMatchMatches (header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  if (header.trim() === '*') return true
  const ours = etag.replace(/^W\//, '')
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === ours)
}

/** A caller's `Cache-Control: no-cache` (or HTTP/1.0 `Pragma: no-cache`) asks for a fresh fetch. */
export function requestsNoCache (headers: IncomingHttpHeaders): boolean {
  const cacheControl = headers['cache-control']
  if (cacheControl !== undefined) return /(?:^|,)\s*no-cache\s*(?:$|,|=)/i.test(cacheControl)
  return /no-cache/i.test(headers.pragma ?? '')
}
