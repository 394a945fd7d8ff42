import { describe, expect, it } from 'vitest'
import { strongEtag, type CacheEntry } from '../../src/cache/cache-entry.js'
import { MemoryPageStore } from '../../src/cache/memory-store.js'
import { cardsPageKeys, cardsPurgeKeys } from '../helpers/page-keys.js'

const keysFor = (offset: number, brand?: string) => cardsPageKeys('m', { appid: 'wxA', offset, limit: 5, brand_id: brand })
const entryOf = (size: number, generation = '0.0'): CacheEntry => {
  const body = Buffer.alloc(size, 'x')
  return { body, storedAt: 0, requestId: 'R', etag: strongEtag(body), generation }
}

describe('in-process memory store', () => {
  it('is bounded in entries, evicting the least recently used', async () => {
    const store = new MemoryPageStore({ maxEntries: 3, maxBytes: 1024 * 1024 })
    for (const offset of [0, 1, 2]) await store.write(keysFor(offset), entryOf(10), 60_000)
    await store.read(keysFor(0)) // 0 is now the most recently used
    await store.write(keysFor(3), entryOf(10), 60_000)
    expect(store.size).toBe(3)
    expect((await store.read(keysFor(1))).entry).toBeUndefined()
    expect((await store.read(keysFor(0))).entry).toBeDefined()
    expect((await store.read(keysFor(3))).entry).toBeDefined()
  })

  it('is bounded in bytes, and refuses a page larger than the whole budget', async () => {
    const store = new MemoryPageStore({ maxEntries: 1000, maxBytes: 10_000 })
    for (let offset = 0; offset < 20; offset++) await store.write(keysFor(offset), entryOf(2_000), 60_000)
    expect(store.bytes).toBeLessThanOrEqual(10_000)
    expect(store.size).toBe(4)
    expect(await store.write(keysFor(99), entryOf(20_000), 60_000)).toBe(false)
    expect(store.bytes).toBeLessThanOrEqual(10_000)
  })

  it('replacing an entry does not count its bytes twice', async () => {
    const store = new MemoryPageStore({ maxEntries: 10, maxBytes: 1024 * 1024 })
    await store.write(keysFor(0), entryOf(1_000), 60_000)
    const once = store.bytes
    await store.write(keysFor(0), entryOf(1_000), 60_000)
    expect(store.bytes).toBe(once)
  })

  it('drops entries after their retention', async () => {
    let now = 0
    const store = new MemoryPageStore({ maxEntries: 10, maxBytes: 1024 * 1024, now: () => now })
    await store.write(keysFor(0), entryOf(10), 1_000)
    now = 999
    expect((await store.read(keysFor(0))).entry).toBeDefined()
    now = 1_000
    expect((await store.read(keysFor(0))).entry).toBeUndefined()
    expect(store.size).toBe(0)
  })

  it('a purge hides older entries: the appid\'s, or one brand\'s and the unfiltered ones', async () => {
    const store = new MemoryPageStore({ maxEntries: 10, maxBytes: 1024 * 1024 })
    const write = async (offset: number, brand?: string): Promise<void> => {
      const keys = keysFor(offset, brand)
      await store.write(keys, entryOf(10, (await store.read(keys)).generation), 60_000)
    }
    await write(0)
    await write(0, 'b1')
    await write(0, 'b2')
    await store.purge(cardsPurgeKeys('m', 'wxA', 'b1'))
    expect((await store.read(keysFor(0))).entry).toBeUndefined()
    expect((await store.read(keysFor(0, 'b1'))).entry).toBeUndefined()
    expect((await store.read(keysFor(0, 'b2'))).entry).toBeDefined()
    await store.purge(cardsPurgeKeys('m', 'wxA', undefined))
    expect((await store.read(keysFor(0, 'b2'))).entry).toBeUndefined()
  })
  it('remembers at most one purge generation per page it may hold, however many appids are purged', async () => {
    const store = new MemoryPageStore({ maxEntries: 10, maxBytes: 1024 * 1024 })
    for (let i = 0; i < 1_000; i++) await store.purge(cardsPurgeKeys('m', `wx${i}`, i % 2 === 0 ? undefined : 'b'))
    expect(store.generationCount).toBeLessThanOrEqual(10)
  })

  it('a purged page stays hidden once its generation is forgotten, one whose fetch began before the purge too', async () => {
    const store = new MemoryPageStore({ maxEntries: 3, maxBytes: 1024 * 1024 })
    const before = (await store.read(keysFor(0))).generation
    await store.write(keysFor(0), entryOf(10, before), 60_000)
    await store.purge(cardsPurgeKeys('m', 'wxA', undefined))
    // Stamped between two purges of the same appid: the second purge hides it too.
    const between = (await store.read(keysFor(2))).generation
    await store.purge(cardsPurgeKeys('m', 'wxA', undefined))
    // Enough purges of other appids to push wxA's generation out of the table.
    for (let i = 0; i < 10; i++) await store.purge(cardsPurgeKeys('m', `wxOther${i}`, undefined))
    expect(store.generationCount).toBeLessThanOrEqual(3)
    expect((await store.read(keysFor(0))).entry).toBeUndefined()
    // Fetches that read their generation before a purge, stored only now.
    await store.write(keysFor(1), entryOf(10, before), 60_000)
    expect((await store.read(keysFor(1))).entry).toBeUndefined()
    await store.write(keysFor(2), entryOf(10, between), 60_000)
    expect((await store.read(keysFor(2))).entry).toBeUndefined()
    // A page fetched now is served again.
    const now = (await store.read(keysFor(0))).generation
    await store.write(keysFor(0), entryOf(10, now), 60_000)
    expect((await store.read(keysFor(0))).entry).toBeDefined()
  })
})
