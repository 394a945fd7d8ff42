/**
 * What one page costs in Redis, now that each frame holds the gzip form alone, against a frame of the
 * identity body: the value's length (STRLEN) and what Redis itself spends on the key (MEMORY USAGE),
 * read from the page the service stored.
 */
import { Redis } from 'ioredis'
import { decodeEntry, encodeEntry, identityOf } from '../src/cache/cache-entry.js'
import { cardsPageKeys } from '../test/helpers/page-keys.js'

export interface RedisBytesFigure {
  key: string
  /** The stored frame (its gzip form). */
  frameBytes: number
  memoryUsage: number
  identityBytes: number
  gzipBytes: number
  /** The same entry as encodeEntry writes a page with no gzip form: the identity body. */
  identityOnlyFrameBytes: number
  identityOnlyMemoryUsage: number
}

export async function measureRedisBytes (redisUrl: string, mchid: string, appid: string): Promise<RedisBytesFigure> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  await redis.connect()
  try {
    const key = cardsPageKeys(mchid, { appid, offset: 0, limit: 20 }).page
    const frame = await redis.getBuffer(key)
    const entry = frame === null ? undefined : decodeEntry(frame)
    if (frame === null || entry === undefined) throw new Error(`no page frame at ${key}`)
    if (entry.gzip === undefined) throw new Error(`the page at ${key} holds no gzip form`)
    const identity = identityOf(entry)
    const identityOnly = encodeEntry({ ...entry, body: identity, gzip: undefined })
    // MEMORY USAGE of the identity-only frame needs it in Redis: under a key of the bench's own, briefly.
    const scratch = `wxcards:bench:redis-bytes:${process.pid}`
    await redis.set(scratch, identityOnly, 'PX', 60_000)
    const identityOnlyMemoryUsage = Number(await redis.call('MEMORY', 'USAGE', scratch))
    await redis.del(scratch)
    return {
      key,
      frameBytes: await redis.strlen(key),
      memoryUsage: Number(await redis.call('MEMORY', 'USAGE', key)),
      identityBytes: identity.length,
      gzipBytes: entry.gzip.length,
      identityOnlyFrameBytes: identityOnly.length,
      identityOnlyMemoryUsage
    }
  } finally {
    redis.disconnect()
  }
}
