import { Redis } from 'ioredis'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { fleetLockTtlMs } from '../../src/cache/page-store-factory.js'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { ADMIN, startTestApp, type TestApp } from '../helpers/app.js'
import { SHARED_REDIS, SHARED_REDIS_URL } from '../helpers/redis-server.js'
import { uniqueAppid } from '../helpers/unique.js'
import { cardsPageKeys } from '../helpers/page-keys.js'

// Two replicas: separate apps, each with its own Redis connections and in-process single flight,
// sharing one Redis and one WeChat Pay, as a fleet does.
let fake: FakeWechatpay
let replicas: TestApp[]
let redis: Redis

beforeAll(async () => {
  fake = await startFakeWechatpay()
  replicas = [
    await startTestApp(fake, { redis: { settings: SHARED_REDIS } }),
    await startTestApp(fake, { redis: { settings: SHARED_REDIS } })
  ]
  redis = new Redis(SHARED_REDIS_URL)
})
afterAll(async () => {
  for (const replica of replicas) await replica.close()
  await fake.simulator.close()
  redis.disconnect()
})
beforeEach(() => { fake.simulator.reset() })

describe('single flight across the fleet', () => {
  it('100 concurrent misses for one page over two replicas cost exactly one upstream call', async () => {
    const path = `/cards?appid=${uniqueAppid()}&offset=0&limit=10`
    fake.simulator.enqueue({ kind: 'delay', ms: 300 })
    const responses = await Promise.all(Array.from({ length: 100 }, async (_, i) => {
      const res = await fetch(`${replicas[i % 2]?.url}${path}`)
      return { status: res.status, body: await res.text(), cacheStatus: res.headers.get('cache-status') }
    }))
    expect(fake.simulator.calls).toHaveLength(1)
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([200]))
    expect(new Set(responses.map((r) => r.body)).size).toBe(1)
    expect(responses.filter((r) => r.cacheStatus === 'wxpay-cards-bff; fwd=miss; stored')).toHaveLength(1)
    expect(responses.filter((r) => r.cacheStatus === 'wxpay-cards-bff; fwd=miss; collapsed')).toHaveLength(99)
  })

  it('no-cache requests on both replicas still make one call, and both replicas then serve the new page', async () => {
    const path = `/cards?appid=${uniqueAppid()}&offset=0&limit=10`
    await fetch(`${replicas[0]?.url}${path}`)
    fake.simulator.enqueue({ kind: 'delay', ms: 1_000 }) // long enough for all 20 to arrive while it runs, even on a busy machine
    const forced = await Promise.all(Array.from({ length: 20 }, async (_, i) =>
      await fetch(`${replicas[i % 2]?.url}${path}`, { headers: { 'cache-control': 'no-cache' } })))
    const ids = new Set(forced.map((r) => r.headers.get('x-wechatpay-request-id')))
    expect(fake.simulator.calls).toHaveLength(2)
    expect(ids.size).toBe(1)
    const after = await fetch(`${replicas[1]?.url}${path}`)
    expect(after.headers.get('x-wechatpay-request-id')).toBe([...ids][0])
  })

  it('a lock left by a replica that died expires, and another replica takes over', async () => {
    const appid = uniqueAppid()
    const { lock } = cardsPageKeys(fake.credentials.mchid, { appid, offset: 0, limit: 10 })
    await redis.set(lock, 'token-of-a-dead-replica', 'PX', 600)
    const started = Date.now()
    const res = await fetch(`${replicas[0]?.url}/cards?appid=${appid}&offset=0&limit=10`)
    expect(res.status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(500)
    expect(fake.simulator.calls).toHaveLength(1)
  })

  it('a holder renews its short lock through a fetch longer than the lock lives: still one upstream call', async () => {
    // A 10 s deadline, so one attempt may take 5 s: this fetch takes 3.5 s without a retry.
    const slow = [
      await startTestApp(fake, { wechatpay: { timeoutMs: 10_000 }, redis: { settings: SHARED_REDIS } }),
      await startTestApp(fake, { wechatpay: { timeoutMs: 10_000 }, redis: { settings: SHARED_REDIS } })
    ]
    try {
      const appid = uniqueAppid()
      const path = `/cards?appid=${appid}&offset=0&limit=10`
      const { lock } = cardsPageKeys(fake.credentials.mchid, { appid, offset: 0, limit: 10 })
      const ttl = fleetLockTtlMs(10_000)
      fake.simulator.enqueue({ kind: 'delay', ms: ttl + 1_500 })
      const responses = Promise.all(Array.from({ length: 20 }, async (_, i) => (await fetch(`${slow[i % 2]?.url}${path}`)).status))
      await new Promise((resolve) => setTimeout(resolve, ttl / 2))
      const early = await redis.pttl(lock)
      expect(early).toBeGreaterThan(0)
      expect(early).toBeLessThanOrEqual(ttl)
      await new Promise((resolve) => setTimeout(resolve, ttl / 2 + 600))
      // Past the TTL it was taken with, and the fetch still running: the lock is there, renewed.
      expect(await redis.pttl(lock)).toBeGreaterThan(0)
      expect(await responses).toEqual(Array(20).fill(200))
      expect(fake.simulator.calls).toHaveLength(1)
    } finally {
      for (const app of slow) await app.close()
    }
  })

  it('the lock of a holder that died mid-fetch goes within its TTL: a waiter takes over instead of timing out', async () => {
    const appid = uniqueAppid()
    const { lock } = cardsPageKeys(fake.credentials.mchid, { appid, offset: 0, limit: 10 })
    const { timeoutMs } = loadConfig({}).wechatpay
    // Taken as a holder takes it, then never renewed or released: the holder died.
    await redis.set(lock, 'token-of-a-holder-that-died', 'PX', fleetLockTtlMs(timeoutMs))
    const started = Date.now()
    const res = await fetch(`${replicas[1]?.url}/cards?appid=${appid}&offset=0&limit=10`)
    expect(res.status).toBe(200)
    expect(Date.now() - started).toBeLessThan(timeoutMs)
    expect(fake.simulator.calls).toHaveLength(1)
  })

  it('a page fetched by one replica is a hit on the other', async () => {
    const path = `/cards?appid=${uniqueAppid()}&offset=0&limit=10`
    await fetch(`${replicas[0]?.url}${path}`)
    const other = await fetch(`${replicas[1]?.url}${path}`)
    expect(other.headers.get('cache-status')).toMatch(/^wxpay-cards-bff; hit; ttl=/)
    expect(fake.simulator.calls).toHaveLength(1)
  })

  it('a purge on one replica is seen by the other at once', async () => {
    const appid = uniqueAppid()
    const path = `/cards?appid=${appid}&offset=0&limit=10`
    await fetch(`${replicas[0]?.url}${path}`)
    await fetch(`${replicas[1]?.url}/cards/cache?appid=${appid}`, { method: 'DELETE', headers: ADMIN })
    expect((await fetch(`${replicas[0]?.url}${path}`)).headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=miss; stored')
  })

  it('when the fetching replica fails, the waiting ones answer with its error instead of calling again', async () => {
    const path = `/cards?appid=${uniqueAppid()}&offset=0&limit=10`
    const fault = { kind: 'error' as const, status: 500, code: 'SYSTEM_ERROR', message: '系统繁忙' }
    fake.simulator.enqueue({ ...fault, delayMs: 300 }, fault, fault)
    const responses = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
      const res = await fetch(`${replicas[i % 2]?.url}${path}`)
      return await res.json() as { status: number, code: string }
    }))
    // One fetch: its first attempt and the two retries the policy allows, nothing more.
    expect(fake.simulator.calls).toHaveLength(3)
    for (const problem of responses) expect(problem).toMatchObject({ status: 502, code: 'SYSTEM_ERROR' })
  })

  it('a request arriving after a failed fetch makes its own call: errors are never cached', async () => {
    const path = `/cards?appid=${uniqueAppid()}&offset=0&limit=10`
    const fault = { kind: 'error' as const, status: 500, code: 'SYSTEM_ERROR', message: '系统繁忙' }
    fake.simulator.enqueue(fault, fault, fault)
    expect((await fetch(`${replicas[0]?.url}${path}`)).status).toBe(502)
    expect(fake.simulator.calls).toHaveLength(3)
    expect((await fetch(`${replicas[1]?.url}${path}`)).status).toBe(200)
    expect(fake.simulator.calls).toHaveLength(4)
  })

  it('a hot page is answered from the replica\'s memory, and any replica\'s purge drops that copy at once', async () => {
    const appid = uniqueAppid()
    const path = `/cards?appid=${appid}&offset=0&limit=10`
    // Purge first, so the page is stamped with a non-zero generation, as in a long-running fleet.
    await fetch(`${replicas[1]?.url}/cards/cache?appid=${appid}`, { method: 'DELETE', headers: ADMIN })
    await fetch(`${replicas[0]?.url}${path}`)
    // The replica that stored the page keeps a copy once it has read it back (under the generations current then).
    expect((await fetch(`${replicas[0]?.url}${path}`)).headers.get('cache-status')).toMatch(/; hit; /)
    const { page } = cardsPageKeys(fake.credentials.mchid, { appid, offset: 0, limit: 10 })
    await redis.del(page)
    // Redis no longer has it, yet replica 0 answers from its own copy for a moment.
    expect((await fetch(`${replicas[0]?.url}${path}`)).headers.get('cache-status')).toMatch(/; hit; /)
    expect(fake.simulator.calls).toHaveLength(1)
    await fetch(`${replicas[1]?.url}/cards/cache?appid=${appid}`, { method: 'DELETE', headers: ADMIN })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect((await fetch(`${replicas[0]?.url}${path}`)).headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=miss; stored')
    expect(fake.simulator.calls).toHaveLength(2)
  })
})
