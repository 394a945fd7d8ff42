import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { encodeEntry, identityOf, pageEntry } from '../../src/cache/cache-entry.js'
import { FleetLock } from '../../src/redis/fleet-lock.js'
import { RedisGuard } from '../../src/redis/guard.js'
import { SHARED_REDIS_URL } from '../helpers/redis-server.js'
import { cardsPageKeys } from '../helpers/page-keys.js'
import { uniqueAppid } from '../helpers/unique.js'

// The fill lock's two scripts on a single Redis: one takes the lock with the budget's turn and the
// caller's share, the other writes the fetched page, announces it and releases the lock.
const client = new Redis(SHARED_REDIS_URL)
afterAll(() => { client.disconnect() })

const turn = { key: `test:budget:${randomUUID()}`, intervalMs: 1, burst: 1_000 }
const keysOf = (): ReturnType<typeof cardsPageKeys> => cardsPageKeys('m', { appid: uniqueAppid(), offset: 0, limit: 2 })

describe('the fill lock on a single Redis', () => {
  it('takes the caller\'s share with the lock, and when the share is spent leaves the lock free and says how long to wait', async () => {
    const lock = new FleetLock(client, new RedisGuard(), { turn })
    // One call a minute: the first takes it, the second is refused.
    const share = { key: `test:share:${randomUUID()}`, intervalMs: 60_000, burst: 1 }
    const first = keysOf()
    const taken = await lock.acquire(first, 2_000, 0, share)
    expect(taken).toMatchObject({ acquired: true, shareTaken: true })
    const second = keysOf()
    const refused = await lock.acquire(second, 2_000, 0, share)
    expect(refused).toMatchObject({ acquired: false, unavailable: false })
    expect('shareWaitMs' in refused && refused.shareWaitMs).toBeGreaterThan(55_000)
    expect(await client.get(second.lock)).toBeNull()
    // Another caller's share is its own.
    const other = await lock.acquire(second, 2_000, 0, { ...share, key: `test:share:${randomUUID()}` })
    expect(other).toMatchObject({ acquired: true, shareTaken: true })
    await client.del(first.lock, second.lock, share.key)
  })

  it('writes the page, releases the lock and drops this replica\'s copy in one settlement', async () => {
    const lock = new FleetLock(client, new RedisGuard(), { turn })
    const dropped: string[] = []
    lock.onFill((pageKey) => { dropped.push(pageKey) })
    const keys = keysOf()
    const attempt = await lock.acquire(keys, 2_000)
    if (!attempt.acquired) throw new Error('lock not taken')
    const entry = pageEntry(Buffer.from('{"data":[],"total_count":0}'), { storedAt: Date.now(), requestId: 'R', generation: '0.0' })
    expect(await lock.settle(keys, attempt.token, { ok: true }, { entry, retentionMs: 60_000 })).toBe(true)
    expect(await client.get(keys.lock)).toBeNull()
    expect(await client.pttl(keys.page)).toBeGreaterThan(50_000)
    expect(dropped).toEqual([keys.page])
    await client.del(keys.page)
  })

  it('finds a page stored in either layout, the gzip form alone or both forms as before, and takes no turn for it', async () => {
    const lock = new FleetLock(client, new RedisGuard(), { turn })
    const cards = Array.from({ length: 20 }, (_, i) => ({ card_id: `c${i}`, title: '会员卡'.repeat(20) }))
    const body = Buffer.from(JSON.stringify({ data: cards, total_count: 20 }))
    const entry = pageEntry(body, { storedAt: Date.now(), requestId: 'R', generation: '0.0' })
    const gzipOnly = encodeEntry(entry)
    const head = gzipOnly.subarray(0, gzipOnly.length - (entry.gzip as Buffer).length)
    const bothForms = Buffer.concat([Buffer.from('WXC2'), head.subarray(4), entry.gzip as Buffer, identityOf(entry)])
    for (const frame of [gzipOnly, bothForms]) {
      const keys = keysOf()
      await client.set(keys.page, frame, 'PX', 60_000)
      const attempt = await lock.acquire(keys, 2_000, entry.storedAt - 1_000)
      expect(attempt).toMatchObject({ acquired: true, turn: undefined })
      if (!attempt.acquired) throw new Error('lock not taken')
      expect(identityOf(attempt.read?.entry ?? {}).equals(body)).toBe(true)
      // Stored before the floor: as good as none, so the fill takes its turn.
      await client.del(keys.lock)
      const refill = await lock.acquire(keys, 2_000, entry.storedAt + 1_000)
      expect(refill).toMatchObject({ acquired: true, read: { entry: undefined } })
      expect(refill.acquired && refill.turn).toBeDefined()
      await client.del(keys.lock, keys.page)
    }
  })
})
