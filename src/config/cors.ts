import type { ConfigReader } from './reader.js'

/**
 * CORS_ORIGINS: the origins whose pages may call the service from a browser. CORS compares the
 * request's `Origin` with each byte for byte, so each must be written as browsers serialize an
 * origin (RFC 6454 §6.2): http or https, a lowercase host, no default port, no path, no trailing
 * slash. `*` is refused: with it, any web page an employee opens could make their browser read an
 * open service (no INTERNAL_API_TOKENS) on the internal network.
 */
export function readCorsOrigins (read: ConfigReader): string[] {
  const origins = read.list('CORS_ORIGINS')
  if (origins.includes('*')) {
    read.problem('CORS_ORIGINS must list each origin; `*` (any web page) is not accepted')
    return []
  }
  // A URL parser takes `*` as part of a host name, so such an entry would be accepted and never match.
  const wildcards = origins.filter((origin) => origin.includes('*'))
  if (wildcards.length > 0) {
    read.problem('CORS_ORIGINS are matched exactly, so a wildcard never matches: list each origin instead of ' +
      wildcards.map((origin) => `"${origin}"`).join(', '))
    return []
  }
  const bad = origins.filter((origin) => serialized(origin) !== origin)
  if (bad.length > 0) {
    const shown = bad.map((origin) => {
      const meant = serialized(origin)
      return meant === undefined ? `"${origin}"` : `"${origin}" (write ${meant})`
    })
    read.problem('CORS_ORIGINS must list origins exactly as browsers send them, scheme://host[:port] with http or https, ' +
      `a lowercase host, no default port and no path: not ${shown.join(', ')}`)
  }
  return origins
}

/** The origin as a browser would send it in `Origin`, or undefined when the value is no http(s) URL. */
function serialized (value: string): string | undefined {
  let url: URL
  try { url = new URL(value) } catch { return undefined }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined
}
