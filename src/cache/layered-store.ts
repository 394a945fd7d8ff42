import { entryBytes, identityOf, ownBytes, type CacheEntry } from './cache-entry.js'
import type { PageKeys, PageStore, StoredRead, StoreHealth } from './page-store.js'

export interface LayeredStoreOptions {
  localTtlMs: number
  maxEntries: number
  maxBytes: number
  announcePurge: (generationKeys: string[]) => Promise<void>
  now?: () => number
}

interface Copy { entry: CacheEntry, until: number }

// Page keys remembered as asked once, per copy the layer may hold and in all (about 10 MB of keys at most).
const ASKED_LIMIT_PER_COPY = 4
const ASKED_LIMIT = 100_000

/**
 * In-process copies of verified pages in front of Redis, answered for `localTtlMs` without a round trip.
 * A copy is only what Redis answered a moment ago, dropped at once on any announced purge or fill; the
 * short TTL bounds staleness should an announcement be lost.
 */
export class LayeredPageStore implements PageStore {
  readonly kind = 'redis'
  readonly #shared: PageStore
  readonly #copies = new Map<string, Copy>()
  #bytes = 0
  /** A page Redis sent before a drop but that arrives after it may be the very one dropped: it is answered, not kept. */
  #drops = 0
  /** Pages asked of Redis in this TTL (since `#askedSince`) and in the one before. */
  #asked = new Set<string>()
  #askedBefore = new Set<string>()
  #askedSince = 0
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
      return { entry: copy.entry, generation: copy.entry.generation }
    }
    // An expired copy is still offered: if Redis holds that very page it says so in a few bytes.
    const drops = this.#drops
    // From when Redis was asked: a slow answer does not stretch how long a copy may outlive a lost announcement.
    const asked = this.#now()
    // Noted even with a copy at hand: a hot page whose copy a fill or a purge drops is copied again at once.
    const again = this.#readBefore(keys.page, asked) || copy !== undefined
    const shared = await this.#shared.read(keys, copy?.entry)
    if (shared?.entry === undefined || drops !== this.#drops || !again) this.#drop(keys.page)
    // A stored page whose gzip form does not decode is passed on as none rather than thrown: the store fails open.
    else if (!this.#keep(keys.page, shared.entry, asked)) return { entry: undefined, generation: shared.generation }
    return shared
  }

  /**
   * Whether this page was asked of Redis within the last one or two TTLs. Only such a page is copied: one
   * asked for less often would find its copy gone each time, and copying it would be work for nothing (over
   * 100,000 pages, every hit copied a page nobody read again).
   */
  #readBefore (pageKey: string, now: number): boolean {
    const ttl = this.#options.localTtlMs
    if (now - this.#askedSince >= ttl) {
      this.#askedBefore = now - this.#askedSince >= 2 * ttl ? new Set() : this.#asked
      this.#asked = new Set()
      this.#askedSince = now
    }
    if (this.#asked.has(pageKey) || this.#askedBefore.has(pageKey)) return true
    if (this.#asked.size < Math.min(ASKED_LIMIT, ASKED_LIMIT_PER_COPY * this.#options.maxEntries)) this.#asked.add(pageKey)
    return false
  }

  async write (keys: PageKeys, entry: CacheEntry, retentionMs: number): Promise<boolean> {
    const stored = await this.#shared.write(keys, entry, retentionMs)
    // Not kept: a purge may have come since the fetch began, and only Redis can tell whether the entry's generation is current.
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

  dropLocal (): void {
    this.#drops++
    this.#copies.clear()
    this.#bytes = 0
  }

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

  get bytes (): number {
    return this.#bytes
  }

  get size (): number {
    return this.#copies.size
  }

  /** False, keeping nothing, when the page's gzip form does not decode. */
  #keep (pageKey: string, read: CacheEntry, since: number): boolean {
    this.#drop(pageKey)
    // A page read from Redis is a view into the socket chunk: kept as is, CACHE_MAX_BYTES would not bound this layer.
    // Its identity form, which Redis does not keep, is inflated once here rather than on each identity hit.
    let body: Buffer
    try {
      body = ownBytes(identityOf(read))
    } catch {
      return false
    }
    const gzip = ownBytes(read.gzip)
    const entry = body === read.body && gzip === read.gzip ? read : { ...read, body, gzip }
    const now = this.#now()
    const ttl = this.#options.localTtlMs
    this.#copies.set(pageKey, { entry, until: since + ttl })
    this.#bytes += entryBytes(entry)
    // Insertion order is the order Redis last confirmed copies in: the oldest go first. An expired copy stays one
    // more TTL to be confirmed cheaply.
    for (const [key, copy] of this.#copies) {
      const over = this.#copies.size > this.#options.maxEntries || this.#bytes > this.#options.maxBytes
      if (!over && copy.until + ttl > now) break
      this.#drop(key)
    }
    return true
  }

  #drop (pageKey: string): void {
    const copy = this.#copies.get(pageKey)
    if (copy === undefined) return
    this.#copies.delete(pageKey)
    this.#bytes -= entryBytes(copy.entry)
  }
}
