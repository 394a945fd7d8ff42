/** The shortest bearer token accepted: long enough that guessing it is hopeless. */
export const TOKEN_MIN_LENGTH = 16
/** Fewest distinct characters: `aaaaaaaaaaaaaaaa` or `1212121212121212` is long but guessable. */
export const TOKEN_MIN_DISTINCT = 10

/**
 * Why a bearer token is too weak to guard the service, or undefined when it is strong enough. The
 * reason never contains the token, so it can go into a configuration error or a log line as it is.
 */
export function tokenWeakness (token: string): string | undefined {
  if (token.length < TOKEN_MIN_LENGTH) return `is shorter than ${TOKEN_MIN_LENGTH} characters`
  if (new Set(token).size < TOKEN_MIN_DISTINCT) return `has fewer than ${TOKEN_MIN_DISTINCT} distinct characters`
  return undefined
}
