import { TOKEN_MIN_DISTINCT, TOKEN_MIN_LENGTH } from '../token-strength.js'
import type { VariableSpec } from './variable.js'

/** What a token must be, said once for both token variables. */
const STRONG = `${TOKEN_MIN_LENGTH}+ characters; under production's rules also ${TOKEN_MIN_DISTINCT}+ distinct ones`

/** A memory bound for load shedding, off unless set. */
const MEMORY_LIMIT = { section: 'protection', kind: 'integer', default: 0, min: 0, max: 2 ** 45, defaultText: '`0` (off)' } as const

export const PROTECTION_VARIABLES = {
  INTERNAL_API_TOKENS: {
    section: 'protection',
    kind: 'list',
    defaultText: '— (open)',
    meaning: `Comma-separated bearer tokens (${STRONG}) required on \`/cards\`, \`/cards/all\` and \`DELETE /cards/cache\`, ` +
      'named `token-1`, `token-2`, … by position (then `CACHE_ADMIN_TOKENS` continues the count) in logs and metrics. ' +
      'Health, docs and metrics stay open. With neither it nor `CALLERS_FILE` set under production\'s rules, start-up warns ' +
      'that anyone who reaches the port may call.'
  },
  CALLERS_FILE: {
    section: 'protection',
    kind: 'string',
    defaultText: '— (none)',
    meaning: 'A file (mount it from a Secret) naming the callers, one a line: `NAME TOKEN [purge]`, `#` comments and blank ' +
      'lines ignored, `NAME` matching `^[a-z0-9][a-z0-9-]{0,31}$`, tokens as `INTERNAL_API_TOKENS`\'; `purge` lets that ' +
      'caller use `DELETE /cards/cache`. ' +
      'Works beside `INTERNAL_API_TOKENS`, and like it requires a token on `/cards` and `/cards/all`. Re-read every second: ' +
      'a rotated token works at once and the old one is refused; a file that does not parse keeps the previous callers ' +
      '(docs/operations.md#callers).'
  },
  CACHE_ADMIN_TOKENS: {
    section: 'protection',
    kind: 'list',
    defaultText: '— (purge refused)',
    meaning: `Comma-separated bearer tokens (${STRONG}) that may purge the cache (\`DELETE /cards/cache\`); any of ` +
      '`INTERNAL_API_TOKENS` may too. With neither set, purge answers `403`: it also drops the stale copies that protect ' +
      'callers while WeChat Pay fails.'
  },
  NO_CACHE_PER_MINUTE: {
    section: 'protection',
    kind: 'integer',
    default: 10,
    min: 0,
    max: 1_000_000,
    meaning: 'How many times a minute one caller\'s `Cache-Control: no-cache` (or `Pragma: no-cache`) is honoured, ' +
      'counted fleet-wide per caller like `RATE_LIMIT_PER_MINUTE` (a `/cards/all` call counts once, and so does a purge, which ' +
      'forces the next reads); past it the cached ' +
      'page is served and `Cache-Status` says why. `0`: never.'
  },
  AUTH_FAILURES_PER_MINUTE: {
    section: 'protection',
    kind: 'integer',
    default: 20,
    min: 1,
    max: 1_000_000,
    meaning: 'Failed authentications (a wrong bearer token on any route, none on a route that needs one) allowed per client ' +
      'address a minute, counted fleet-wide in Redis when there is one; past it, each further failure is a `429`.'
  },
  RATE_LIMIT_PER_MINUTE: {
    section: 'protection',
    kind: 'integer',
    min: 1,
    max: 1_000_000,
    defaultText: '— (no limit)',
    meaning: 'Requests per minute per caller (by valid token, else by address; wrong tokens count against the address), ' +
      'counted in Redis when there is one.'
  },
  UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: {
    section: 'protection',
    kind: 'integer',
    default: 1000,
    min: 0,
    max: 60_000,
    meaning: 'Shed load (503 problems with `Retry-After`) while the event loop lags more; `0` turns it off.'
  },
  UNDER_PRESSURE_MAX_HEAP_USED_BYTES: { ...MEMORY_LIMIT, meaning: 'Shed load above this heap use; `0` turns it off.' },
  UNDER_PRESSURE_MAX_RSS_BYTES: { ...MEMORY_LIMIT, meaning: 'Shed load above this resident memory; `0` turns it off.' }
} as const satisfies Record<string, VariableSpec>
