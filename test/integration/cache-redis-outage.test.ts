import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { startTestApp } from '../helpers/app.js'
import { privateRedis, type PrivateRedis, redisSettings } from '../helpers/redis-server.js'
import { uniqueAppid } from '../helpers/unique.js'

let fake: FakeWechatpay
let redis: PrivateRedis

beforeAll(async () => {
  fake = await startFakeWechatpay()
  redis = await privateRedis()
})
afterAll(async () => {
  await redis.stop()
  await fake.simulator.close()
})

const timed = async (url: string): Promise<{ ms: number, status: number, cacheStatus: string | null }> => {
  const started = performance.now()
  const res = await fetch(url)
  await res.arrayBuffer()
  return { ms: performance.now() - started, status: res.status, cacheStatus: res.headers.get('cache-status') }
}

/**
 * Blocks the whole private Redis for `seconds` (DEBUG SLEEP, not awaited, or the test would stall
 * with it) and times `count` requests to `path`, `gapMs` apart, meanwhile.
 */
async function duringStall (
  seconds: number,
  path: string,
  count: number,
  gapMs: number
): Promise<Array<Awaited<ReturnType<typeof timed>>>> {
  const staller = new Redis(redis.url)
  try {
    staller.call('DEBUG', 'SLEEP', String(seconds)).catch(() => {})
    await new Promise((resolve) => setTimeout(resolve, 50))
    const during = []
    for (let i = 0; i < count; i++) {
      during.push(await timed(path))
      await new Promise((resolve) => setTimeout(resolve, gapMs))
    }
    return during
  } finally {
    staller.disconnect()
  }
}

describe('Redis never takes the service down', () => {
  it('a stalled Redis (DEBUG SLEEP) costs each request at most the command timeout, then nothing', async () => {
    await redis.start()
    // No in-process layer here: this test is about what a stalled Redis costs each request.
    const service = await startTestApp(fake, {
      cache: { localTtlMs: 0 },
      redis: { settings: redisSettings({ REDIS_URL: redis.url }), commandTimeoutMs: 100 }
    })
    try {
      const path = `${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=5`
      expect((await timed(path)).cacheStatus).toBe('wxpay-cards-bff; fwd=miss; stored')
      const during = await duringStall(3, path, 8, 150)
      for (const res of during) expect(res.status).toBe(200)
      // Each request is bounded by the 100 ms command timeout, not by the 3 s stall...
      for (const res of during) expect(res.ms).toBeLessThan(1_500)
      // ...and after three failures (each followed by a quiet moment) the cache stops asking:
      // later requests skip Redis entirely.
      expect(during.slice(4).every((r) => r.cacheStatus === 'wxpay-cards-bff; fwd=miss; detail=cache-unavailable')).toBe(true)
      const ready = await (await fetch(`${service.url}/readyz`)).json() as { status: string, checks: { redis: string } }
      expect(ready).toMatchObject({ status: 'degraded', checks: { redis: 'down' } })
      expect(service.logs.some((l) => l.level === 40 && String(l.msg).includes('Redis failing'))).toBe(true)
    } finally {
      await service.close()
    }
  }, 20_000)

  it('the per-caller limit counts through the same guard: once it is open, a stalled Redis costs a request nothing', async () => {
    await redis.start()
    // A long command timeout, so a call that bypassed the guard would show plainly.
    const service = await startTestApp(fake, {
      protection: { rateLimitPerMinute: 1_000 },
      redis: { settings: redisSettings({ REDIS_URL: redis.url }), commandTimeoutMs: 400 }
    })
    try {
      const path = `${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=5`
      expect((await timed(path)).status).toBe(200)
      const during = await duringStall(8, path, 6, 300)
      for (const res of during) expect(res.status).toBe(200)
      // The first requests pay the timeout once each (the limit's count, then the quiet moment
      // spares the rest); after three failures the guard is open and no call waits at all.
      expect(during.slice(3).map((res) => res.ms < 200)).toEqual([true, true, true])
    } finally {
      await service.close()
    }
  }, 20_000)

  it('starts and serves with Redis down, and caches again on its own once Redis is back', async () => {
    await redis.stop()
    const service = await startTestApp(fake, { redis: { settings: redisSettings({ REDIS_URL: redis.url }) } })
    try {
      const path = `${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=5`
      const down = await timed(path)
      expect(down.status).toBe(200)
      expect(down.cacheStatus).toBe('wxpay-cards-bff; fwd=miss; detail=cache-unavailable')
      const readyDown = await (await fetch(`${service.url}/readyz`)).json()
      expect(readyDown).toMatchObject({ status: 'degraded', checks: { redis: 'down' } })

      await redis.start()
      const deadline = Date.now() + 10_000
      let status = down.cacheStatus
      while (Date.now() < deadline && !String(status).includes('; hit; ')) {
        await new Promise((resolve) => setTimeout(resolve, 250))
        status = (await timed(path)).cacheStatus
      }
      expect(status).toMatch(/; hit; /)
      expect(await (await fetch(`${service.url}/readyz`)).json()).toMatchObject({ status: 'ok', checks: { redis: 'ok' } })
    } finally {
      await service.close()
    }
  }, 20_000)

  it('under load, a Redis stall (DEBUG SLEEP) and killed connections (CLIENT KILL) fail no request', async () => {
    await redis.start()
    const service = await startTestApp(fake, { redis: { settings: redisSettings({ REDIS_URL: redis.url }), commandTimeoutMs: 100 } })
    const admin = new Redis(redis.url)
    try {
      const appids = Array.from({ length: 5 }, uniqueAppid)
      const statuses: number[] = []
      const load = { running: true }
      const worker = async (w: number): Promise<void> => {
        for (let i = 0; load.running; i++) {
          const res = await fetch(`${service.url}/cards?appid=${appids[(w + i) % appids.length]}&offset=${i % 3}&limit=5`)
          await res.arrayBuffer()
          statuses.push(res.status)
        }
      }
      const workers = Promise.all(Array.from({ length: 10 }, async (_, w) => { await worker(w) }))
      await new Promise((resolve) => setTimeout(resolve, 300))
      admin.call('DEBUG', 'SLEEP', '1').catch(() => {})
      await new Promise((resolve) => setTimeout(resolve, 1_500))
      await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes')
      await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub')
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      load.running = false
      await workers
      expect(statuses.length).toBeGreaterThan(50)
      expect(statuses.filter((s) => s !== 200)).toEqual([])
    } finally {
      admin.disconnect()
      await service.close()
    }
  }, 20_000)
})
