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
    meaning: `Comma-separated bearer tokens (${STRONG}) required on \`/cards\`, \`/cards/all\` and \`DELETE /cards/cache\`. ` +
      'Health, docs and metrics stay open. Unset under production\'s rules, start-up warns that anyone who reaches the port may call.'
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
      'counted fleet-wide per caller like `RATE_LIMIT_PER_MINUTE` (a `/cards/all` call counts once); past it the cached ' +
      'page is served and `Cache-Status` says why. `0`: never.'
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
