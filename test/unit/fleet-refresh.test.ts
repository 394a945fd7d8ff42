import { describe, expect, it } from 'vitest'
import type { CacheEntry } from '../../src/cache/cache-entry.js'
import { CachedPages } from '../../src/cache/cached-pages.js'
import { FleetFill, type FillLock } from '../../src/cache/fleet-fill.js'
import { MemoryPageStore } from '../../src/cache/memory-store.js'
import type { PageStore } from '../../src/cache/page-store.js'
import type { VerifiedPage } from '../../src/wechatpay/client.js'
import type { CardsQuery } from '../../src/wechatpay/endpoints/cards.js'
import { cardsPageKeys } from '../helpers/page-keys.js'

// One replica's view of a page that another replica has just refreshed: the shared store (Redis)
// holds the new page, while this replica still reads its stale copy (its in-process layer, or a
// Redis read from just before the write) and the other's announcement is still on its way. The
// fleet must not pay WeChat Pay a second time for that TTL. The rolling-restart test found it.

const QUERY: CardsQuery = { appid: 'wxA', offset: 0, limit: 5 }
const KEYS = cardsPageKeys('m', QUERY)
const POLICY = { ttlMs: 2_000, staleMs: 300_000 }

/** The fleet lock, in memory: one holder per page, no announcements (waiters poll). */
function memoryLock (): FillLock {
  const held = new Map<string, string>()
  let tokens = 0
  return {
    acquire: async (keys) => {
      const holder = held.get(keys.lock)
      if (holder !== undefined) return { acquired: false, unavailable: false, holder }
      const token = `token-${++tokens}`
      held.set(keys.lock, token)
      return { acquired: true, token }
    },
    renew: async (key, token) => held.get(key) === token,
    release: async (key, token) => { if (held.get(key) === token) held.delete(key) },
    announce: async () => {},
    recentOutcome: () => undefined,
    waitForFill: async (_key, ms) => { await new Promise((resolve) => setTimeout(resolve, ms)); return undefined }
  }
}

async function replicaSeeingStaleCopy () {
  const clock = { now: 1_000_000 }
  const shared = new MemoryPageStore({ maxEntries: 10, maxBytes: 1 << 20, now: () => clock.now })
  const generation = (await shared.read(KEYS))?.generation ?? ''
  const entry = (body: string, storedAt: number): CacheEntry =>
    ({ body: Buffer.from(body), storedAt, requestId: '', etag: `"${body}"`, generation })
  const staleCopy = entry('{"data":[],"total_count":1}', clock.now - 2_500)
  // The other replica's refresh, stored 5 ms before this replica reads its copy.
  await shared.write(KEYS, entry('{"data":[],"total_count":2}', clock.now - 5), 600_000)
  const view: PageStore = {
    kind: 'redis',
    read: async () => ({ entry: staleCopy, generation }),
    write: async (keys, written, retentionMs) => await shared.write(keys, written, retentionMs),
    purge: async () => true,
    health: () => 'ok',
    close: async () => {}
  }
  const calls = { count: 0 }
  const pages = new CachedPages<CardsQuery>({
    store: view,
    keysOf: () => KEYS,
    fetch: async (): Promise<VerifiedPage> => {
      calls.count++
      return { body: Buffer.from('{"data":[],"total_count":3}'), requestId: 'REQ-3', serial: 'PUB_KEY_ID_1' }
    },
    fleet: new FleetFill({ lock: memoryLock(), store: shared, waitMs: 5_000, lockTtlMs: 2_000, pollMs: 5, now: () => clock.now }),
    policy: POLICY,
    now: () => clock.now
  })
  return { pages, calls }
}

const settle = async (): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, 20)) }

describe('a refresh across the fleet', () => {
  it('takes the page another replica has just stored instead of calling WeChat Pay again', async () => {
    const { pages, calls } = await replicaSeeingStaleCopy()
    expect((await pages.getPage(QUERY)).outcome).toBe('stale')
    await settle()
    expect(calls.count).toBe(0)
  })

  it('still fetches for Cache-Control: no-cache, which wants a page fetched after the request', async () => {
    const { pages, calls } = await replicaSeeingStaleCopy()
    expect((await pages.getPage(QUERY, { noCache: true })).outcome).toBe('bypass')
    expect(calls.count).toBe(1)
  })
})
