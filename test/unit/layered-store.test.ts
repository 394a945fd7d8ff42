import { describe, expect, it } from 'vitest'
import { gzipOnce, strongEtag, type CacheEntry } from '../../src/cache/cache-entry.js'
import { LayeredPageStore } from '../../src/cache/layered-store.js'
import { MemoryPageStore } from '../../src/cache/memory-store.js'
import type { PageKeys, PageStore } from '../../src/cache/page-store.js'
import { cardsPageKeys } from '../helpers/page-keys.js'

// The shared layer is a real store (the in-process one standing in for Redis): these tests are
// about what the hot layer keeps in this process, and for how long.
const keysFor = (offset: number): PageKeys => cardsPageKeys('m', { appid: 'wxA', offset, limit: 5 })
const entryOf = (size: number): CacheEntry => {
  const body = Buffer.alloc(size, 'x')
  return { body, storedAt: 0, requestId: 'R', etag: strongEtag(body), generation: '0.0' }
}

function layered (
  options: { maxEntries?: number, maxBytes?: number, now: () => number }
): { hot: LayeredPageStore, shared: MemoryPageStore } {
  const shared = new MemoryPageStore({ maxEntries: 1000, maxBytes: 64 * 1024 * 1024, now: options.now })
  const hot = new LayeredPageStore(shared, {
    localTtlMs: 1_000,
    maxEntries: options.maxEntries ?? 1000,
    maxBytes: options.maxBytes ?? 64 * 1024 * 1024,
    announcePurge: async () => {},
    now: options.now
  })
  return { hot, shared }
}

/** A page stored in the shared store and read twice through the hot layer, which then keeps a copy. */
async function kept (hot: LayeredPageStore, shared: MemoryPageStore, offset: number, size: number): Promise<void> {
  await shared.write(keysFor(offset), entryOf(size), 60_000)
  await hot.read(keysFor(offset))
  await hot.read(keysFor(offset))
}

describe('the in-process hot layer in front of Redis', () => {
  it('lets go of copies a TTL after they expire, so a burst of pages is not held for ever', async () => {
    let now = 0
    const { hot, shared } = layered({ now: () => now })
    for (let offset = 0; offset < 50; offset++) await kept(hot, shared, offset, 1_000)
    expect(hot.size).toBe(50)
    expect(hot.bytes).toBe(50_000)
    // Expired, but kept one more TTL to be offered to Redis for confirmation.
    now += 1_500
    await kept(hot, shared, 98, 1_000)
    expect(hot.size).toBe(51)
    // The next page kept after that sweeps them from the front.
    now += 600
    await kept(hot, shared, 99, 1_000)
    expect(hot.size).toBe(2)
    expect(hot.bytes).toBe(2_000)
  })

  it('is bounded in bytes (CACHE_MAX_BYTES) as well as in entries, dropping the oldest copies', async () => {
    const now = 0
    const { hot, shared } = layered({ maxBytes: 10_000, maxEntries: 3, now: () => now })
    for (let offset = 0; offset < 5; offset++) await kept(hot, shared, offset, 4_000)
    expect(hot.bytes).toBeLessThanOrEqual(10_000)
    expect(hot.size).toBe(2)
    for (let offset = 10; offset < 15; offset++) await kept(hot, shared, offset, 100)
    expect(hot.size).toBe(3)
    // Dropped from this process only: the shared store still answers for them.
    expect((await shared.read(keysFor(0))).entry).toBeDefined()
    expect((await hot.read(keysFor(0)))?.entry).toBeDefined()
  })

  it('keeps no page it stores: the next read asks the shared store, which knows about purges since', async () => {
    const now = 0
    const { hot, shared } = layered({ now: () => now })
    // A fetch stamped before a purge, stored after it: the shared store no longer answers with it.
    const fetchedBefore = { ...entryOf(2_000), generation: '0.0' }
    await shared.purge([keysFor(0).generations[0] as string])
    expect(await hot.write(keysFor(0), fetchedBefore, 60_000)).toBe(true)
    expect(hot.size).toBe(0)
    expect((await hot.read(keysFor(0)))?.entry).toBeUndefined()
    expect(hot.size).toBe(0)
    // Stamped with the current generation, it is the page the next read gets.
    const current = { ...entryOf(2_000), generation: '1.0' }
    await hot.write(keysFor(0), current, 60_000)
    expect((await hot.read(keysFor(0)))?.entry?.etag).toBe(current.etag)
    expect(hot.size).toBe(1)
  })

  it('keeps a copy of a page that is a view into a larger buffer (a Redis socket chunk), not the view', async () => {
    const shared = new MemoryPageStore({ maxEntries: 10, maxBytes: 64 * 1024 * 1024 })
    const hot = new LayeredPageStore(shared, {
      localTtlMs: 1_000,
      maxEntries: 10,
      maxBytes: 64 * 1024 * 1024,
      announcePurge: async () => {},
      now: () => 0
    })
    const chunk = Buffer.alloc(1024 * 1024, 'x')
    const body = chunk.subarray(1000, 21_000)
    await shared.write(keysFor(0), { body, storedAt: 0, requestId: 'R', etag: strongEtag(body), generation: '0.0' }, 60_000)
    await hot.read(keysFor(0)) // from the shared store, not kept: read once
    await hot.read(keysFor(0)) // from the shared store again, kept here
    const kept = (await hot.read(keysFor(0)))?.entry
    expect((await hot.read(keysFor(0)))?.entry).toBe(kept) // answered from this layer
    expect(kept?.body?.equals(body)).toBe(true)
    expect(kept?.body?.buffer.byteLength).toBe(body.byteLength) // memory of its own, not a slice of a pool either
  })

  it('keeps a page that came with its gzip form alone, as Redis keeps it, with its identity form inflated once', async () => {
    const { hot, shared } = layered({ now: () => 0 })
    const cards = Array.from({ length: 20 }, (_, i) => ({ card_id: `c${i}`, title: '会员卡'.repeat(20) }))
    const body = Buffer.from(JSON.stringify({ data: cards }))
    const gzip = gzipOnce(body) as Buffer
    await shared.write(keysFor(0), { gzip, storedAt: 0, requestId: 'R', etag: strongEtag(gzip), generation: '0.0' }, 60_000)
    expect((await hot.read(keysFor(0)))?.entry?.body).toBeUndefined() // read once: passed on as stored
    await hot.read(keysFor(0))
    const kept = (await hot.read(keysFor(0)))?.entry
    expect(kept?.body?.equals(body)).toBe(true)
    expect(kept?.gzip).toBe(gzip)
    expect(hot.bytes).toBe(body.length + gzip.length)
  })

  it('passes on a stored page whose gzip form does not decode as none, keeping no copy, rather than fail the read', async () => {
    const { hot, shared } = layered({ now: () => 0 })
    const cards = Array.from({ length: 20 }, (_, i) => ({ card_id: `c${i}`, title: '会员卡'.repeat(20) }))
    const damaged = Buffer.from(gzipOnce(Buffer.from(JSON.stringify({ data: cards }))) as Buffer)
    damaged.fill(0, 10, damaged.length - 8)
    await shared.write(keysFor(0), { gzip: damaged, storedAt: 0, requestId: 'R', etag: strongEtag(damaged), generation: '0.0' }, 60_000)
    expect((await hot.read(keysFor(0)))?.entry?.gzip?.equals(damaged)).toBe(true) // read once: passed on as stored
    expect(await hot.read(keysFor(0))).toEqual({ entry: undefined, generation: '0.0' })
    expect(hot.size).toBe(0)
    expect(hot.bytes).toBe(0)
  })

  it('does not keep a page that arrives after a purge, a fill or a write made while it was read', async () => {
    const shared = new MemoryPageStore({ maxEntries: 10, maxBytes: 1024 * 1024 })
    await shared.write(keysFor(0), entryOf(1_000), 60_000)
    // Redis answers a round trip later: here, when the test lets it.
    let answer = (): void => {}
    let asks = 0
    const later = async <T>(work: () => Promise<T>): Promise<T> => {
      await new Promise<void>((resolve) => { answer = resolve })
      return await work()
    }
    const redis: PageStore = {
      kind: 'redis',
      read: async (keys) => { asks++; return await later(async () => await shared.read(keys)) },
      write: async (keys, entry, ms) => await shared.write(keys, entry, ms),
      purge: async (keys) => await shared.purge(keys),
      health: () => 'ok',
      close: async () => {}
    }
    let now = 0
    const hot = new LayeredPageStore(redis, {
      localTtlMs: 1_000, maxEntries: 10, maxBytes: 1024 * 1024, announcePurge: async () => {}, now: () => now
    })

    // A fill announced, a purge announced, a page stored here: each while a read is on its way.
    const drops = [
      async () => { hot.dropPage(keysFor(0).page) },
      async () => { hot.dropLocal() },
      async () => { await hot.write(keysFor(0), entryOf(1_000), 60_000) }
    ]
    for (const drop of drops) {
      const reading = hot.read(keysFor(0))
      await drop()
      answer()
      expect((await reading)?.entry).toBeDefined() // answered
      expect(hot.size).toBe(0) // not kept: the drop may have been about this very page
    }

    // Nothing dropped meanwhile: kept, for a TTL from when Redis was asked, however late it answered.
    const quiet = hot.read(keysFor(0))
    now = 900
    answer()
    await quiet
    expect(hot.size).toBe(1)
    const before = asks
    now = 999
    expect((await hot.read(keysFor(0)))?.entry).toBeDefined()
    expect(asks).toBe(before) // from memory
    now = 1_000
    const asked = hot.read(keysFor(0))
    expect(asks).toBe(before + 1) // the copy's TTL ran from 0, not from 900: Redis is asked again
    answer()
    expect((await asked)?.entry).toBeDefined()
  })

  it('counts a replaced or dropped copy\'s bytes once', async () => {
    let now = 0
    const { hot, shared } = layered({ now: () => now })
    await kept(hot, shared, 0, 1_000)
    now += 1_001
    await kept(hot, shared, 0, 2_000)
    expect(hot.bytes).toBe(2_000)
    hot.dropPage(keysFor(0).page)
    expect(hot.bytes).toBe(0)
    await kept(hot, shared, 1, 500)
    hot.dropLocal()
    expect([hot.size, hot.bytes]).toEqual([0, 0])
  })

  it('copies only a page asked for again within one or two TTLs: reads spread over many pages copy nothing', async () => {
    let now = 0
    const { hot, shared } = layered({ now: () => now })
    for (let offset = 0; offset < 50; offset++) await shared.write(keysFor(offset), entryOf(1_000), 60_000)
    for (let offset = 0; offset < 50; offset++) expect((await hot.read(keysFor(offset)))?.entry).toBeDefined()
    expect(hot.size).toBe(0)
    // Asked again in the next TTL: kept.
    now = 1_500
    await hot.read(keysFor(0))
    expect(hot.size).toBe(1)
    // A purge the shared store knows of and this layer does not: only a copy still answers with the page.
    const ofAppid = (appid: string): PageKeys => cardsPageKeys('m', { appid, offset: 0, limit: 5 })
    const answeredFromCopy = async (keys: PageKeys): Promise<boolean> => {
      await shared.purge([...keys.generations])
      return (await hot.read(keys))?.entry !== undefined
    }
    const [once, twice] = [ofAppid('wxOnce'), ofAppid('wxTwice')]
    for (const keys of [once, twice]) await shared.write(keys, entryOf(1_000), 60_000)
    // Asked first at 1,500 and again more than two TTLs later: forgotten meanwhile, so not copied.
    await hot.read(once)
    now = 3_600
    await hot.read(once)
    expect(await answeredFromCopy(once)).toBe(false)
    // Asked twice within a TTL: copied.
    await hot.read(twice)
    await hot.read(twice)
    expect(await answeredFromCopy(twice)).toBe(true)
  })
})
