// Re-read when the mounted Secret changes, so parsing is pure; every failure names its line, never quoting a token.
export interface NamedToken {
  /** Bounded and safe as a metric label, a log field and a Redis key part. */
  name: string
  token: string
  purge: boolean
}

export type CallersParse =
  | { ok: true, callers: NamedToken[] }
  | { ok: false, line: number, reason: string }

export const CALLER_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/
// Names the service gives itself: callers without a token, and INTERNAL_API_TOKENS' by position.
const RESERVED_NAME = /^(anonymous|token-\d+)$/
const PURGE_FLAG = 'purge'

/** A name may appear twice while its token is rotated. */
export function parseCallers (text: string, weakness: (token: string) => string | undefined = () => undefined): CallersParse {
  const callers: NamedToken[] = []
  const seen = new Set<string>()
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const fields = (lines[i] ?? '').replace(/#.*$/, '').trim().split(/\s+/).filter((field) => field !== '')
    if (fields.length === 0) continue
    const fail = (reason: string): CallersParse => ({ ok: false, line: i + 1, reason })
    // No reason quotes a field: a line holding only a token, or a token where the name should be,
    // would otherwise put the token in the log.
    const [name = '', token, flag, ...rest] = fields
    if (token === undefined) return fail('a line needs a name and a token (NAME TOKEN [purge])')
    if (!CALLER_NAME.test(name)) return fail(`the name must match ${CALLER_NAME.source}`)
    if (RESERVED_NAME.test(name)) return fail('the name is reserved (anonymous, token-<n>)')
    if (rest.length > 0 || (flag !== undefined && flag !== PURGE_FLAG)) return fail(`only "${PURGE_FLAG}" may follow the token`)
    const weak = weakness(token)
    if (weak !== undefined) return fail(`the token ${weak}`)
    if (seen.has(token)) return fail('this token is already another line\'s')
    seen.add(token)
    callers.push({ name, token, purge: flag === PURGE_FLAG })
  }
  return { ok: true, callers }
}
