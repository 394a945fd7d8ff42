import { decodeEntry, encodeEntry, frameHeader, type CacheEntry } from '../cache/cache-entry.js'
import { currentEntry, generationOf, type PageKeys, type PageStore, type StoredRead, type StoreHealth } from '../cache/page-store.js'
import type { RedisConnection } from './connection.js'
import type { RedisGuard } from './guard.js'
import { READ_UNLESS_HELD, runScript } from './scripts.js'

// Generation counters outlive every entry (retention is at most two days), then go away unused.
const GENERATION_TTL_MS = 7 * 24 * 3600 * 1000

export function storedRead (frame: Buffer | null | undefined, counters: ReadonlyArray<Buffer | null | undefined>): StoredRead {
  const generation = generationOf(counters.map((counter) => counter?.toString()))
  const entry = frame === null || frame === undefined ? undefined : decodeEntry(frame)
  return { entry: currentEntry(entry, generation), generation }
}

export async function writePage (redis: RedisConnection, keys: PageKeys, entry: CacheEntry, retentionMs: number): Promise<void> {
  await redis.set(keys.page, encodeEntry(entry), 'PX', retentionMs)
}

export class RedisPageStore implements PageStore {
  readonly kind = 'redis'
  readonly #redis: RedisConnection
  readonly #guard: RedisGuard

  constructor (redis: RedisConnection, guard: RedisGuard) {
    this.#redis = redis
    this.#guard = guard
  }

  async read (keys: PageKeys, held?: CacheEntry): Promise<StoredRead | undefined> {
    if (held !== undefined) return await this.#readUnlessHeld(keys, held)
    const values = await this.#guard.call(async () => await this.#redis.mgetBuffer(...keys.generations, keys.page), undefined)
    return values === undefined ? undefined : storedRead(values.at(-1), values.slice(0, -1))
  }

  async #readUnlessHeld (keys: PageKeys, held: CacheEntry): Promise<StoredRead | undefined> {
    const values = await this.#guard.call(async () => await runScript(
      this.#redis, READ_UNLESS_HELD, [keys.page, ...keys.generations], [frameHeader(held)], true
    ) as [Buffer | 1 | null, ...Array<Buffer | null>], undefined)
    if (values === undefined) return undefined
    const [page, ...counters] = values
    const read = storedRead(page === 1 ? null : page, counters)
    return page === 1 ? { entry: currentEntry(held, read.generation), generation: read.generation } : read
  }

  async write (keys: PageKeys, entry: CacheEntry, retentionMs: number): Promise<boolean> {
    return await this.#guard.call(async () => {
      await writePage(this.#redis, keys, entry, retentionMs)
      return true
    }, false)
  }

  async purge (generationKeys: string[]): Promise<boolean> {
    return await this.#guard.call(async () => {
      const transaction = this.#redis.multi()
      for (const key of generationKeys) transaction.incr(key).pexpire(key, GENERATION_TTL_MS)
      const results = await transaction.exec()
      if (results === null || results.some(([err]) => err !== null)) throw new Error('purge transaction failed')
      return true
    }, false)
  }

  health (): StoreHealth {
    return this.#redis.status === 'ready' && this.#guard.healthy() ? 'ok' : 'down'
  }

  async close (): Promise<void> {
    // The client belongs to the Redis plugin, which closes it once everything using it is closed.
  }
}
