import type { CacheEntry } from './cache-entry.js'
import type { PageKeys } from './cache-keys.js'
import type { MemoryPageStore } from './memory-store.js'
import type { PageStore, StoredRead, StoreHealth } from './page-store.js'

export interface LayeredStoreOptions {
  /** How long this process may answer from its own copy before asking Redis again. */
  localTtlMs: number
  /** Announces a purge to every replica; each one then drops its own copies. */
  announcePurge: (generationKeys: string[]) => Promise<void>
}

/**
 * A small in-process layer of verified pages in front of Redis: a hot page is answered from
 * memory for `localTtlMs` (1 s by default) instead of costing a Redis round trip per request.
 * Consistent with the fleet: purges clear this layer here at once and on every replica through a
 * pub/sub announcement, so does every fill announced by any replica (a no-cache refresh), and the
 * short TTL bounds staleness should an announcement be lost. Entries
 * keep their Redis fetch time, so freshness, Age and Cache-Status are the same from either layer.
 */
export class LayeredPageStore implements PageStore {
  readonly kind = 'redis'
  readonly #shared: PageStore
  readonly #local: MemoryPageStore
  readonly #options: LayeredStoreOptions

  constructor (shared: PageStore, local: MemoryPageStore, options: LayeredStoreOptions) {
    this.#shared = shared
    this.#local = local
    this.#options = options
  }

  async read (keys: PageKeys): Promise<StoredRead | undefined> {
    const local = await this.#local.read(keys)
    // The entry's own stamp is the shared generation it was stored under.
    if (local.entry !== undefined) return { entry: local.entry, generation: local.entry.generation }
    const shared = await this.#shared.read(keys)
    if (shared?.entry !== undefined) await this.#local.write(keys, shared.entry, this.#options.localTtlMs)
    return shared
  }

  async write (keys: PageKeys, entry: CacheEntry, retentionMs: number): Promise<boolean> {
    const stored = await this.#shared.write(keys, entry, retentionMs)
    if (stored) await this.#local.write(keys, entry, Math.min(retentionMs, this.#options.localTtlMs))
    return stored
  }

  async purge (generationKeys: string[]): Promise<boolean> {
    await this.dropLocal(generationKeys)
    const purged = await this.#shared.purge(generationKeys)
    if (purged) await this.#options.announcePurge(generationKeys)
    return purged
  }

  /** Another replica purged: stop answering from the copies it made obsolete. */
  async dropLocal (generationKeys: string[]): Promise<void> {
    await this.#local.purge(generationKeys)
  }

  /** A replica stored a newer copy of this page: read it from Redis next time. */
  dropPage (pageKey: string): void {
    this.#local.delete(pageKey)
  }

  health (): StoreHealth {
    return this.#shared.health()
  }

  async close (): Promise<void> {
    await this.#local.close()
    await this.#shared.close()
  }
}
