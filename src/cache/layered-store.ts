import { entryBytes, ownBytes, type CacheEntry } from './cache-entry.js'
import type { PageKeys, PageStore, StoredRead, StoreHealth } from './page-store.js'

export interface LayeredStoreOptions {
  /** How long this process may answer from its own copy before asking Redis again. */
  localTtlMs: number
  /** Most pages kept in this process. */
  maxEntries: number
  /** Most page bytes kept in this process (CACHE_MAX_BYTES). */
  maxBytes: number
  /** Announces a purge to every replica; each one then drops its own copies. */
  announcePurge: (generationKeys: string[]) => Promise<void>
  now?: () => number
}

interface Copy { entry: CacheEntry, until: number }

/**
 * A small in-process layer of verified pages in front of Redis: a hot page is answered from
 * memory for `localTtlMs` (1 s by default) instead of costing a Redis round trip per request, and
 * once that has passed, Redis is asked whether it still holds the same page before the bytes are
 * sent again.
 * A copy is only ever what Redis answered a read with a moment ago, under the purge generations
 * current then (a page this replica stores is not kept: the next read gets it from Redis), and it
 * is dropped here at once on any purge and on any fill that a replica announces; the short TTL
 * bounds staleness should an announcement be lost. Entries keep their Redis fetch time, so
 * freshness, Age and Cache-Status are the same from either layer.
 */
export class LayeredPageStore implements PageStore {
  readonly kind = 'redis'
  readonly #shared: PageStore
  readonly #copies = new Map<string, Copy>()
  #bytes = 0
  /**
   * Counts the drops (purges, fills announced by any replica or stored by this one, close). A page
   * Redis sent before a drop but which arrives after it may be the very one the drop was about: it
   * is answered, not kept. Fills come a few times a second at most (the merchant's upstream
   * budget), so one counter for every page costs a kept copy now and then, never a stale one.
   */
  #drops = 0
  readonly #options: LayeredStoreOptions
  readonly #now: () => number

  constructor (shared: PageStore, options: LayeredStoreOptions) {
    this.#shared = shared
    this.#options = options
    this.#now = options.now ?? Date.now
  }

  async read (keys: PageKeys): Promise<StoredRead | undefined> {
    const copy = this.#copies.get(keys.page)
    if (copy !== undefined && copy.until > this.#now()) {
      // The entry's own stamp is the shared generation it was stored under.
      return { entry: copy.entry, generation: copy.entry.generation }
    }
    // An expired copy is still worth offering: if Redis holds that very page, it says so in a few
    // bytes and the copy serves another localTtlMs, instead of the page crossing the wire again.
    const drops = this.#drops
    // The TTL counts from when Redis was asked, not from when its answer came: a slow answer does
    // not stretch how long the copy may outlive a lost announcement.
    const asked = this.#now()
    const shared = await this.#shared.read(keys, copy?.entry)
    if (shared?.entry !== undefined && drops === this.#drops) this.#keep(keys.page, shared.entry, asked)
    else this.#drop(keys.page)
    return shared
  }

  async write (keys: PageKeys, entry: CacheEntry, retentionMs: number): Promise<boolean> {
    const stored = await this.#shared.write(keys, entry, retentionMs)
    // Not kept here: a purge may have come since the fetch began, and only Redis can tell whether
    // the generation the entry was stamped with is still current; the next read asks it. Keeping it
    // unconfirmed, to be confirmed in a few bytes, would spare that read one page's bytes once per
    // fill (fills come a few times a second at most), but would hold every page this replica fills,
    // asked for again or not. A copy held until now is older; a read in flight is let go too,
    // whichever side of the write Redis answered it on.
    this.dropPage(keys.page)
    return stored
  }

  async purge (generationKeys: string[]): Promise<boolean> {
    this.dropLocal()
    const purged = await this.#shared.purge(generationKeys)
    if (purged) {
      // Again once the generations have moved: a read sent in between may have kept the old page.
      this.dropLocal()
      await this.#options.announcePurge(generationKeys)
    }
    return purged
  }

  /** A purge anywhere in the fleet: purges are rare, so every copy goes and Redis decides again. */
  dropLocal (): void {
    this.#drops++
    this.#copies.clear()
    this.#bytes = 0
  }

  /** This or another replica stored a newer copy of this page: read it from Redis next time. */
  dropPage (pageKey: string): void {
    this.#drops++
    this.#drop(pageKey)
  }

  health (): StoreHealth {
    return this.#shared.health()
  }

  async close (): Promise<void> {
    this.dropLocal()
    await this.#shared.close()
  }

  /** Bytes of the pages held here now. */
  get bytes (): number {
    return this.#bytes
  }

  get size (): number {
    return this.#copies.size
  }

  /** `since`: when Redis was asked for this page; the copy serves a TTL from then. */
  #keep (pageKey: string, read: CacheEntry, since: number): void {
    this.#drop(pageKey)
    // A page read from Redis is a view into the client's socket chunk: keeping the view would keep
    // the whole chunk, and CACHE_MAX_BYTES would not bound what this layer holds. Keep a copy.
    const body = ownBytes(read.body)
    const gzip = ownBytes(read.gzip)
    const entry = body === read.body && gzip === read.gzip ? read : { ...read, body, gzip }
    const now = this.#now()
    const ttl = this.#options.localTtlMs
    this.#copies.set(pageKey, { entry, until: since + ttl })
    this.#bytes += entryBytes(entry)
    // Insertion order is the order Redis last confirmed the copies in, and every copy lives as long:
    // the first ones are the oldest (give or take a slow answer). An expired copy stays one more
    // TTL, for a page asked for again by then to be confirmed cheaply; after that it goes from the
    // front, and the oldest go while over either bound.
    for (const [key, copy] of this.#copies) {
      const over = this.#copies.size > this.#options.maxEntries || this.#bytes > this.#options.maxBytes
      if (!over && copy.until + ttl > now) break
      this.#drop(key)
    }
  }

  #drop (pageKey: string): void {
    const copy = this.#copies.get(pageKey)
    if (copy === undefined) return
    this.#copies.delete(pageKey)
    this.#bytes -= entryBytes(copy.entry)
  }
}
