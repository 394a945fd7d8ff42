/** The query parameters a log line may show: the four the service takes. */
const KNOWN_PARAMETERS = new Set(['appid', 'offset', 'limit', 'brand_id'])

// A query of known parameters only, the usual case: logged as it is, without splitting it up.
const KNOWN_PAIR = `(?:${[...KNOWN_PARAMETERS].join('|')})(?:=[^&]*)?`
const ONLY_KNOWN = new RegExp(`^[^?]*\\?${KNOWN_PAIR}(?:&${KNOWN_PAIR})*$`)

/**
 * A request URL as the logs show it: the path and the known parameters, as sent. Anything else a
 * caller put in the query (`access_token=…`, a misplaced secret) stays out of the logs; the request
 * itself is still refused for it.
 */
export function loggedUrl (url: string): string {
  const start = url.indexOf('?')
  if (start < 0 || ONLY_KNOWN.test(url)) return url
  const kept = url.slice(start + 1).split('&').filter((pair) => {
    const equals = pair.indexOf('=')
    return KNOWN_PARAMETERS.has(equals < 0 ? pair : pair.slice(0, equals))
  })
  return kept.length === 0 ? url.slice(0, start) : `${url.slice(0, start)}?${kept.join('&')}`
}
