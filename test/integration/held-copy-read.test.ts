import { Cluster, Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { frameHeader, identityOf, pageEntry, type CacheEntry } from '../../src/cache/cache-entry.js'
import { LayeredPageStore } from '../../src/cache/layered-store.js'
import type { RedisConnection } from '../../src/redis/connection.js'
import { RedisGuard } from '../../src/redis/guard.js'
import { RedisPageStore } from '../../src/redis/page-store.js'
import { READ_UNLESS_HELD } from '../../src/redis/scripts.js'
import { startRedisCluster } from '../helpers/redis-deployments.js'
import { SHARED_REDIS_URL } from '../helpers/redis-server.js'
import { uniqueAppid } from '../helpers/unique.js'
import { cardsPageKeys } from '../helpers/page-keys.js'

// A replica whose in-process copy has expired asks Redis whether it still holds that very page.
// Two replicas share one Redis here: `writer` stores pages, `reader` keeps copies. On a Cluster the
// script's keys (page and generations) must share a slot, which their hash tag sees to.
const TTL_MS = 1_000
const RETENTION_MS = 60_000

function entryOf (text: string, storedAt: number, generation = '0.0'): CacheEntry {
  // Memory of its own, as a page fetched from WeChat Pay is (src/cache/cached-pages.ts).
  const body = Buffer.from(JSON.stringify({ data: [{ text: text.repeat(4_000) }] }))
  return pageEntry(body, { storedAt, requestId: `R-${storedAt}`, generation })
}

function replicas (client: RedisConnection): { writer: RedisPageStore, reader: LayeredPageStore, clock: { now: number } } {
  const clock = { now: 1_000_000 }
  const guard = new RedisGuard()
  const writer = new RedisPageStore(client, guard)
  const reader = new LayeredPageStore(new RedisPageStore(client, guard), {
    localTtlMs: TTL_MS, maxEntries: 100, maxBytes: 1024 * 1024, announcePurge: async () => {}, now: () => clock.now
  })
  return { writer, reader, clock }
}

/** What a reply carries: the bytes of its strings, 8 for an integer. */
async function replyBytes (client: RedisConnection, command: string, ...args: Array<string | Buffer>): Promise<number> {
  const reply = await client.callBuffer(command, ...args) as Array<Buffer | number | null>
  return reply.reduce<number>((sum, item) => sum + (Buffer.isBuffer(item) ? item.length : 8), 0)
}

const deployments: Array<[string, () => Promise<{ client: RedisConnection, stop: () => Promise<void> }>]> = [
  ['a single Redis', async () => {
    const client = new Redis(SHARED_REDIS_URL)
    return { client, stop: async () => { client.disconnect() } }
  }],
  ['a Redis Cluster', async () => {
    const cluster = await startRedisCluster({ replicasPerPrimary: 0 })
    const client = new Cluster(cluster.nodes)
    return { client, stop: async () => { client.disconnect(); await cluster.stop() } }
  }]
]

describe.each(deployments)('a replica confirming its expired copy with %s', (_name, deploy) => {
  let client: RedisConnection
  let stop: () => Promise<void>
  beforeAll(async () => { ({ client, stop } = await deploy()) }, 60_000)
  afterAll(async () => { await stop() })

  it('gets its own copy back when Redis still holds that page, and the page\'s bytes do not travel', async () => {
    const { writer, reader, clock } = replicas(client)
    const keys = cardsPageKeys('m', { appid: uniqueAppid(), offset: 0, limit: 20 })
    const stored = entryOf('a', clock.now)
    await writer.write(keys, stored, RETENTION_MS)
    // Asked for twice, the page is kept: what the reader keeps is a copy of its own of what Redis sent.
    expect((await reader.read(keys))?.entry?.etag).toBe(stored.etag)
    await reader.read(keys)
    const copy = (await reader.read(keys))?.entry
    expect(copy?.etag).toBe(stored.etag)
    expect((await reader.read(keys))?.entry).toBe(copy)

    clock.now += TTL_MS + 1
    const confirmed = await reader.read(keys)
    // The very object kept in memory: a page decoded from Redis would be a new one.
    expect(confirmed?.entry).toBe(copy)
    // And it serves for another TTL without asking Redis: the store's stamp on it is renewed.
    await client.del(keys.page)
    clock.now += TTL_MS - 1
    expect((await reader.read(keys))?.entry).toBe(copy)
    clock.now += 2
    expect((await reader.read(keys))?.entry).toBeUndefined()
  })

  it('reads a page it stored itself back from Redis before serving it from memory', async () => {
    const { reader, clock } = replicas(client)
    const keys = cardsPageKeys('m', { appid: uniqueAppid(), offset: 0, limit: 20 })
    const stored = entryOf('a', clock.now)
    await reader.write(keys, stored, RETENTION_MS)
    expect(reader.size).toBe(0)
    const readBack = (await reader.read(keys))?.entry
    expect(readBack).not.toBe(stored) // decoded from what Redis sent
    expect(readBack?.etag).toBe(stored.etag)
    await reader.read(keys)
    // Asked for again, kept now, it serves from memory for a TTL: Redis, which no longer has it, is not asked.
    await client.del(keys.page)
    expect((await reader.read(keys))?.entry?.etag).toBe(stored.etag)
  })

  it('gets the page another replica stored meanwhile, not its copy', async () => {
    const { writer, reader, clock } = replicas(client)
    const keys = cardsPageKeys('m', { appid: uniqueAppid(), offset: 0, limit: 20 })
    await writer.write(keys, entryOf('a', clock.now), RETENTION_MS)
    await reader.read(keys)
    await reader.read(keys)
    const copy = (await reader.read(keys))?.entry
    expect(reader.size).toBe(1)
    clock.now += TTL_MS + 1
    // Same bytes fetched again later: only the header (its fetch time) tells the two apart.
    const refetched = entryOf('a', clock.now)
    await writer.write(keys, refetched, RETENTION_MS)
    const read = (await reader.read(keys))?.entry
    expect(copy?.storedAt).not.toBe(refetched.storedAt)
    expect(read).not.toBe(copy)
    expect(read?.storedAt).toBe(refetched.storedAt)
    expect(identityOf(read as CacheEntry).equals(refetched.body as Buffer)).toBe(true)
    expect(refetched.gzip).toBeDefined()
    expect(read?.gzip?.equals(refetched.gzip as Buffer)).toBe(true)
  })

  it('does not get its copy back once a purge has moved the page\'s generation on', async () => {
    const { writer, reader, clock } = replicas(client)
    const keys = cardsPageKeys('m', { appid: uniqueAppid(), offset: 0, limit: 20 })
    await writer.write(keys, entryOf('a', clock.now), RETENTION_MS)
    await reader.read(keys)
    await reader.read(keys)
    expect(reader.size).toBe(1)
    await writer.purge([keys.generations[0] as string])
    clock.now += TTL_MS + 1
    const read = await reader.read(keys)
    expect(read?.entry).toBeUndefined()
    expect(read?.generation).toBe('1.0')
  })

  it('costs a reply of a few bytes where a read of the page costs the page', async () => {
    const { writer, clock } = replicas(client)
    const keys = cardsPageKeys('m', { appid: uniqueAppid(), offset: 0, limit: 20 })
    const stored = entryOf('a', clock.now)
    await writer.write(keys, stored, RETENTION_MS)
    const keyList = [keys.page, ...keys.generations]
    const held = await replyBytes(client, 'eval', READ_UNLESS_HELD, String(keyList.length), ...keyList, frameHeader(stored))
    const other = frameHeader(entryOf('a', clock.now + 1))
    const changed = await replyBytes(client, 'eval', READ_UNLESS_HELD, String(keyList.length), ...keyList, other)
    expect(held).toBeLessThan(100)
    expect(changed).toBeGreaterThan((stored.gzip as Buffer).length)
  })
})
