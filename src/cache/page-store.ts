import type { CacheEntry } from './cache-entry.js'

/** Where one page lives, named by the endpoint's key function (src/redis/keys.ts for /cards). */
export interface PageKeys {
  page: string
  /** The fleet fill lock of this page. */
  lock: string
  /** The purge generations the page belongs to: bumping any of them drops it. */
  generations: readonly string[]
}

export interface StoredRead {
  /** The entry, only when it belongs to the current purge generation. */
  entry: CacheEntry | undefined
  /** The current generation, to stamp on an entry fetched now. */
  generation: string
}

export type StoreHealth = 'ok' | 'down' | 'memory'

/**
 * Where verified pages live. Implementations fail open: an unavailable store answers `undefined`
 * or `false` quickly instead of throwing, so the cache can never take /cards down.
 */
export interface PageStore {
  readonly kind: 'redis' | 'memory'
  /**
   * undefined when the store could not be asked (down, stalled, circuit open). `held`: a copy of the
   * page the caller already has; a store that can tell it still holds that very page answers with
   * `held` itself rather than sending the page's bytes again.
   */
  read (keys: PageKeys, held?: CacheEntry): Promise<StoredRead | undefined>
  write (keys: PageKeys, entry: CacheEntry, retentionMs: number): Promise<boolean>
  /** Bumps purge generations: every entry stamped with an older one is no longer read. */
  purge (generationKeys: string[]): Promise<boolean>
  health (): StoreHealth
  close (): Promise<void>
}

/** An entry stamped with an older generation was purged after it was fetched. */
export function currentEntry (entry: CacheEntry | undefined, generation: string): CacheEntry | undefined {
  return entry !== undefined && entry.generation === generation ? entry : undefined
}

/** The generation of a page: its generation counters as they stand, "<appid gen>.<brand gen>" for /cards. */
export function generationOf (counters: ReadonlyArray<string | null | undefined>): string {
  return counters.map((counter) => counter ?? '0').join('.')
}
