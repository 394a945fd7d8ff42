import type { CacheEntry } from './cache-entry.js'

export interface PageKeys {
  page: string
  lock: string
  generations: readonly string[]
}

export interface StoredRead {
  entry: CacheEntry | undefined
  generation: string
}

export type StoreHealth = 'ok' | 'down' | 'memory'

/** Implementations fail open, so the cache can never take /cards down. */
export interface PageStore {
  readonly kind: 'redis' | 'memory'
  /** `held`: a copy the caller has; a store that still holds that very page answers `held` instead of the bytes. */
  read (keys: PageKeys, held?: CacheEntry): Promise<StoredRead | undefined>
  write (keys: PageKeys, entry: CacheEntry, retentionMs: number): Promise<boolean>
  purge (generationKeys: string[]): Promise<boolean>
  health (): StoreHealth
  close (): Promise<void>
}

export function currentEntry (entry: CacheEntry | undefined, generation: string): CacheEntry | undefined {
  return entry !== undefined && entry.generation === generation ? entry : undefined
}

export function generationOf (counters: ReadonlyArray<string | null | undefined>): string {
  return counters.map((counter) => counter ?? '0').join('.')
}
