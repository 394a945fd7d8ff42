import type { VariableSpec } from './variable.js'

export const CACHE_VARIABLES = {
  CACHE_TTL_SECONDS: {
    section: 'cache', kind: 'integer', default: 60, min: 1, max: 86_400, meaning: 'How long a cached page is fresh.'
  },
  CACHE_STALE_SECONDS: {
    section: 'cache',
    kind: 'integer',
    default: 300,
    min: 0,
    max: 86_400,
    meaning: 'After the TTL, how long a stale page may still be served (while a refresh runs, or while WeChat Pay fails).'
  },
  CACHE_MAX_ENTRIES: {
    section: 'cache',
    kind: 'integer',
    default: 10_000,
    min: 1,
    max: 10_000_000,
    meaning: 'In-process cache only: most pages kept, and most purged appids and brands remembered.'
  },
  CACHE_MAX_BYTES: {
    section: 'cache',
    kind: 'integer',
    default: 64 * 1024 * 1024,
    min: 1024 * 1024,
    max: 64 * 1024 * 1024 * 1024,
    defaultText: '`67108864` (64 MiB)',
    meaning: 'In-process cache: most page bytes kept (also bounds the hot layer in front of Redis).'
  },
  CACHE_LOCAL_TTL_MS: {
    section: 'cache',
    kind: 'integer',
    default: 1000,
    min: 0,
    max: 60_000,
    meaning: 'With Redis: how long a replica answers a hot page from its own memory before asking Redis again; ' +
      'purges and fills announced by any replica clear it at once. `0` turns it off.'
  }
} as const satisfies Record<string, VariableSpec>
