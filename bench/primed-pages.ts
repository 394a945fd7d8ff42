/**
 * /cards pages the bench writes into Redis itself, frame for frame what the service stores after a miss,
 * where fetching them through the service would take too long (100,000 pages at a few hundred misses a
 * second) or would count the service's work where only Redis's is wanted. Every key written is
 * remembered and deleted by deleteAll: they are the bench's throw-away merchant's.
 */
import { Redis } from 'ioredis'
import { decodeEntry, encodeEntry, pageEntry as cachedEntry, type CacheEntry } from '../src/cache/cache-entry.js'
import { retentionMs } from '../src/cache/freshness.js'
import { CACHE_VARIABLES } from '../src/config/variables/cache.js'
import { cardsPageBody } from '../src/sandbox/cards-page.js'
import { DEMO_CARDS_PER_APPID, demoCards } from '../src/sandbox/demo-cards.js'
import { cardsPageKeys } from '../test/helpers/page-keys.js'

// Keys per pipeline: about 5 MB of small frames, 35 MB of full ones.
const BATCH = 1000
// What the service keeps a page for by default.
const RETENTION_MS = retentionMs({
  ttlMs: CACHE_VARIABLES.CACHE_TTL_SECONDS.default * 1000,
  staleMs: CACHE_VARIABLES.CACHE_STALE_SECONDS.default * 1000
})

/** What a frame carries beside the page: taken from one the service stored, so primed frames are the same size. */
export interface FrameStamp { requestId: string, generation: string }

export class PagePrimer {
  readonly #redis: Redis
  readonly #mchid: string
  readonly #written = new Set<string>()

  private constructor (redis: Redis, mchid: string) {
    this.#redis = redis
    this.#mchid = mchid
  }

  static async connect (redisUrl: string, mchid: string): Promise<PagePrimer> {
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
    await redis.connect()
    return new PagePrimer(redis, mchid)
  }

  key (appid: string, limit: number): string {
    return cardsPageKeys(this.#mchid, { appid, offset: 0, limit }).page
  }

  /**
   * The stamp of the page the service stored for this appid; fails unless the frame the bench builds for the
   * same page is that frame byte for byte, but for the time it was stored.
   */
  async adopt (appid: string, limit: number): Promise<FrameStamp> {
    const entry = await this.page(appid, limit)
    const stamp = { requestId: entry.requestId, generation: entry.generation }
    if (!encodeEntry(pageEntry(appid, limit, stamp, entry.storedAt)).equals(encodeEntry(entry))) {
      throw new Error(`the bench's frame for ${this.key(appid, limit)} is not the one the service stored: ` +
        'primed pages would not be the service\'s')
    }
    return stamp
  }

  async page (appid: string, limit: number): Promise<CacheEntry> {
    const key = this.key(appid, limit)
    const frame = await this.#redis.getBuffer(key)
    const entry = frame === null ? undefined : decodeEntry(frame)
    if (entry === undefined) throw new Error(`no page frame at ${key}`)
    return entry
  }

  /** Page 0 of each appid, stored now, in pipelines of BATCH. */
  async prime (appids: readonly string[], limit: number, stamp: FrameStamp): Promise<void> {
    for (let from = 0; from < appids.length; from += BATCH) {
      const pipeline = this.#redis.pipeline()
      const now = Date.now()
      for (const appid of appids.slice(from, from + BATCH)) {
        const key = this.key(appid, limit)
        this.#written.add(key)
        pipeline.set(key, encodeEntry(pageEntry(appid, limit, stamp, now)), 'PX', RETENTION_MS)
      }
      const results = await pipeline.exec()
      const failed = results?.find(([err]) => err !== null)
      if (results === null || failed !== undefined) throw new Error(`priming Redis failed: ${String(failed?.[0] ?? 'no answer')}`)
    }
  }

  async forget (appids: readonly string[], limit: number): Promise<void> {
    await this.#delete(appids.map((appid) => this.key(appid, limit)))
  }

  async deleteAll (): Promise<void> {
    await this.#delete([...this.#written])
  }

  /** Redis's own count of the memory it has allocated (INFO memory), for the whole server. */
  async usedMemory (): Promise<number> {
    return Number(/^used_memory:(\d+)/m.exec(await this.#redis.info('memory'))?.[1] ?? Number.NaN)
  }

  async bytesOf (key: string): Promise<{ frameBytes: number, memoryUsage: number }> {
    return { frameBytes: await this.#redis.strlen(key), memoryUsage: Number(await this.#redis.call('MEMORY', 'USAGE', key)) }
  }

  close (): void {
    this.#redis.disconnect()
  }

  async #delete (keys: string[]): Promise<void> {
    for (let from = 0; from < keys.length; from += BATCH) {
      const batch = keys.slice(from, from + BATCH)
      await this.#redis.unlink(...batch)
      for (const key of batch) this.#written.delete(key)
    }
  }
}

/** Page 0 of an appid's demo cards as the service caches it: the simulator's body, its gzip form and ETag. */
export function pageEntry (appid: string, limit: number, stamp: FrameStamp, storedAt: number): CacheEntry {
  const data = demoCards(appid, Math.min(limit, DEMO_CARDS_PER_APPID))
  const body = cardsPageBody({ data, totalCount: DEMO_CARDS_PER_APPID, offset: 0, limit })
  return cachedEntry(body, { storedAt, ...stamp })
}
