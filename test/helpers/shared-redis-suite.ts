import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import type { RedisConnection } from '../../src/redis/connection.js'
import type { RedisSettings } from '../../src/config/redis.js'
import { ADMIN, startTestApp, type ConfigOverrides, type TestApp } from './app.js'
import { startFakeWechatpay, type FakeWechatpay } from './fake-wechatpay.js'
import { uniqueAppid } from './unique.js'
import { cardsPageKeys } from './page-keys.js'

/** A real Redis deployment of the test's own, as the service and the test see it. */
export interface Deployment {
  settings: RedisSettings
  /** The servers' password: it must never reach a log. */
  password: string
  /** A client of the test's own, to look into the deployment. */
  inspector: RedisConnection
  /**
   * What may happen to the deployment in production, by name: each moves what serves `key`
   * (a failover, a slot migration), checks that it really moved, and resolves once settled.
   */
  disruptions: Record<string, (key: string) => Promise<void>>
  /** The primaries the deployment has now, as host:port. */
  primaries: () => Promise<string[]>
  stop: () => Promise<void>
}

interface ReadyBody { status: string, checks: { redis: string }, redis: { topology: string, state: string, primaries: string[] } }

const MISS = 'wxpay-cards-bff; fwd=miss; stored'
const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }
const cards = (appid: string, brand?: string): string =>
  `/cards?appid=${appid}&offset=0&limit=10${brand === undefined ? '' : `&brand_id=${brand}`}`

/**
 * What a fleet expects of any Redis topology, run against a real deployment: pages shared between
 * two replicas, one upstream call for a herd, the shared budget, purges, readiness, and each of
 * `disruptions` (a failover, a slot migration) in the middle of traffic, which no caller notices. Replicas keep no in-process copies here
 * (CACHE_LOCAL_TTL_MS=0), so every hit proves Redis answered.
 */
export function sharedRedisSuite (topology: RedisSettings['topology'], disruptions: string[], start: () => Promise<Deployment>): void {
  let deployment: Deployment
  let fake: FakeWechatpay
  let replicas: TestApp[] = []
  const extra: TestApp[] = []
  const config = (more: ConfigOverrides = {}): ConfigOverrides => ({
    ...more,
    redis: { settings: deployment.settings },
    cache: { localTtlMs: 0, ...more.cache },
    // The per-caller limit keeps its counters in the same Redis: exercise that too.
    protection: { rateLimitPerMinute: 1_000_000, ...more.protection }
  })

  /** Two more replicas with settings of their own, closed with the rest, once Redis answers them. */
  const pair = async (more: ConfigOverrides): Promise<TestApp[]> => {
    const apps = [await startTestApp(fake, config(more)), await startTestApp(fake, config(more))]
    extra.push(...apps)
    for (const app of apps) await untilRedisOk(app)
    return apps
  }

  beforeAll(async () => {
    deployment = await start()
    // Refused connections while a crashed primary is replaced are expected; the client recovers.
    deployment.inspector.on('error', () => {})
    fake = await startFakeWechatpay()
    replicas = [await startTestApp(fake, config()), await startTestApp(fake, config())]
    for (const replica of replicas) await untilRedisOk(replica)
  }, 60_000)
  afterAll(async () => {
    for (const app of [...replicas, ...extra]) await app.close()
    await fake?.simulator.close()
    deployment?.inspector.disconnect()
    await deployment?.stop()
  }, 30_000)
  beforeEach(() => { fake.simulator.reset() })

  it(`reports the ${topology} topology, its state and its primaries on /readyz and /metrics`, async () => {
    const ready = await (await fetch(`${replicas[0]?.url}/readyz`, { headers: ADMIN })).json() as ReadyBody
    expect(ready).toMatchObject({ status: 'ok', checks: { redis: 'ok' }, redis: { topology, state: 'ok' } })
    expect(ready.redis.primaries.sort()).toEqual((await deployment.primaries()).sort())
    const metrics = await (await fetch(`${replicas[0]?.url}/metrics`)).text()
    expect(metrics).toContain(`redis_up{topology="${topology}"} 1`)
    expect(metrics).toContain(`redis_primaries{topology="${topology}"} ${ready.redis.primaries.length}`)
  })

  it('stores a miss in the shared Redis, and the other replica answers it as a hit', async () => {
    const appid = uniqueAppid()
    expect((await fetch(`${replicas[0]?.url}${cards(appid)}`)).headers.get('cache-status')).toBe(MISS)
    const other = await fetch(`${replicas[1]?.url}${cards(appid)}`)
    expect(other.headers.get('cache-status')).toMatch(/^wxpay-cards-bff; hit; ttl=/)
    expect(fake.simulator.calls).toHaveLength(1)
    const { page } = cardsPageKeys(fake.credentials.mchid, { appid, offset: 0, limit: 10 })
    expect(await deployment.inspector.exists(page)).toBe(1)
  })

  it('50 concurrent misses for one page over two replicas cost exactly one upstream call', async () => {
    const path = cards(uniqueAppid())
    fake.simulator.enqueue({ kind: 'delay', ms: 300 })
    const responses = await Promise.all(Array.from({ length: 50 }, async (_, i) => await fetch(`${replicas[i % 2]?.url}${path}`)))
    expect(responses.map((res) => res.status)).toEqual(Array(50).fill(200))
    expect(fake.simulator.calls).toHaveLength(1)
    expect(responses.filter((res) => res.headers.get('cache-status') === 'wxpay-cards-bff; fwd=miss; collapsed')).toHaveLength(49)
  })

  it('a purge on one replica, of an appid or of one brand, is seen by the other', async () => {
    const appid = uniqueAppid()
    await fetch(`${replicas[0]?.url}${cards(appid)}`)
    await fetch(`${replicas[0]?.url}${cards(appid, 'brand-1')}`)
    // One brand: two generation keys in one transaction, which a Cluster allows only within one slot.
    expect((await fetch(`${replicas[1]?.url}/cards/cache?appid=${appid}&brand_id=brand-1`, {
      method: 'DELETE', headers: ADMIN
    })).status).toBe(204)
    expect((await fetch(`${replicas[0]?.url}${cards(appid, 'brand-1')}`)).headers.get('cache-status')).toBe(MISS)
    expect((await fetch(`${replicas[0]?.url}${cards(appid)}`)).headers.get('cache-status')).toBe(MISS)
    expect((await fetch(`${replicas[1]?.url}/cards/cache?appid=${appid}`, { method: 'DELETE', headers: ADMIN })).status).toBe(204)
    expect((await fetch(`${replicas[0]?.url}${cards(appid)}`)).headers.get('cache-status')).toBe(MISS)
    expect(fake.simulator.calls).toHaveLength(5)
  })

  it('a purge announced on one replica drops the other\'s in-process copy at once (pub/sub through this topology)', async () => {
    const layered = await pair({ cache: { localTtlMs: 5_000 } })
    const appid = uniqueAppid()
    await fetch(`${layered[0]?.url}${cards(appid)}`)
    // Read back from Redis, the page is kept in replica 0's memory.
    expect((await fetch(`${layered[0]?.url}${cards(appid)}`)).headers.get('cache-status')).toMatch(/; hit; /)
    // Gone from Redis, yet replica 0 answers from its own copy for up to 5 s...
    await deployment.inspector.del(cardsPageKeys(fake.credentials.mchid, { appid, offset: 0, limit: 10 }).page)
    expect((await fetch(`${layered[0]?.url}${cards(appid)}`)).headers.get('cache-status')).toMatch(/; hit; /)
    // ...until replica 1's purge reaches it over the purge channel.
    expect((await fetch(`${layered[1]?.url}/cards/cache?appid=${appid}`, { method: 'DELETE', headers: ADMIN })).status).toBe(204)
    await sleep(100)
    expect((await fetch(`${layered[0]?.url}${cards(appid)}`)).headers.get('cache-status')).toBe(MISS)
    expect(fake.simulator.calls).toHaveLength(2)
  })

  it('two replicas together stay within the merchant\'s budget (UPSTREAM_MAX_RPS=2)', async () => {
    const limited = await pair({ wechatpay: { upstreamMaxRps: 2 } })
    const started = Date.now()
    const responses = await Promise.all(Array.from({ length: 12 }, async (_, i) =>
      await fetch(`${limited[i % 2]?.url}${cards(uniqueAppid())}`)))
    const elapsedSeconds = (Date.now() - started) / 1000
    const calls = fake.simulator.calls.length
    // GCRA at 2/s with a burst of 1, shared: one call at once, then one every 500 ms, for the pair.
    expect(calls).toBeGreaterThanOrEqual(1)
    expect(calls).toBeLessThanOrEqual(1 + Math.floor(elapsedSeconds * 2) + 1)
    expect(responses.filter((res) => res.status === 503).length + calls).toBe(12)
  })

  it.each(disruptions)('keeps answering through %s in the middle of traffic, then caches again within seconds', async (name) => {
    const disrupt = deployment.disruptions[name]
    if (disrupt === undefined) throw new Error(`the deployment has no disruption named ${name}`)
    const hot = uniqueAppid()
    const { page } = cardsPageKeys(fake.credentials.mchid, { appid: hot, offset: 0, limit: 10 })
    await fetch(`${replicas[0]?.url}${cards(hot)}`)

    // Four callers, each alternating a hot page (a hit) and a new page (a miss), on both replicas.
    const statuses: number[] = []
    const durations: number[] = []
    const stream = { running: true }
    const callers = Array.from({ length: 4 }, async (_, caller) => {
      for (let i = 0; stream.running; i++) {
        const path = i % 2 === 0 ? cards(hot) : cards(uniqueAppid())
        const started = performance.now()
        try {
          const res = await fetch(`${replicas[(caller + i) % 2]?.url}${path}`)
          await res.arrayBuffer()
          statuses.push(res.status)
          durations.push(performance.now() - started)
        } catch {
          statuses.push(0)
        }
      }
    })
    await sleep(500)
    await disrupt(page)
    const settled = Date.now()
    await sleep(1_000)
    stream.running = false
    await Promise.all(callers)

    expect(statuses.length).toBeGreaterThan(20)
    expect(statuses.filter((status) => status !== 200)).toEqual([])
    // Each Redis call is bounded (REDIS_COMMAND_TIMEOUT_MS, twice that for a Cluster's own retries)
    // and a failure quiets the rest of the request: nobody waits out the client's reconnects.
    expect(Math.max(...durations)).toBeLessThan(1_000)

    // Caching is back: a new page fetched on one replica is a hit from Redis on the other.
    let back = false
    while (!back && Date.now() - settled < 10_000) {
      const appid = uniqueAppid()
      await fetch(`${replicas[0]?.url}${cards(appid)}`)
      back = /; hit; /.test((await fetch(`${replicas[1]?.url}${cards(appid)}`)).headers.get('cache-status') ?? '')
      if (!back) await sleep(100)
    }
    if (!back) {
      const readiness = async (replica: TestApp): Promise<string> => await (await fetch(`${replica.url}/readyz`, { headers: ADMIN })).text()
      const states = await Promise.all(replicas.map(readiness))
      const recent = replicas.map((replica) =>
        replica.logs.filter((line) => Number(line.level) >= 40 || String(line.msg).startsWith('Redis')).slice(-8))
      console.error('caching did not come back', JSON.stringify({ states, recent }, null, 1))
    }
    expect(back, `caching did not come back within 10 s of ${name}`).toBe(true)
    for (const replica of replicas) await untilRedisOk(replica)
    // Readiness shows the new primaries too; a Cluster client learns a moved slot's owner from
    // traffic to it or from its periodic slot refresh, whichever comes first.
    const expected = (await deployment.primaries()).sort()
    let shown: string[] = []
    for (const until = Date.now() + 10_000; Date.now() < until; await sleep(100)) {
      shown = ((await (await fetch(`${replicas[1]?.url}/readyz`, { headers: ADMIN })).json() as ReadyBody).redis.primaries).sort()
      if (JSON.stringify(shown) === JSON.stringify(expected)) break
    }
    expect(shown).toEqual(expected)
  }, 60_000)

  it('never logs the Redis password, through start-up, traffic and disruptions', () => {
    for (const app of [...replicas, ...extra]) expect(app.rawLogs()).not.toContain(deployment.password)
    expect(replicas[0]?.rawLogs()).toContain(`"topology":"${topology}"`)
  })
}

/** Waits until the replica says Redis answers (a fresh connection, or one back after a failover). */
async function untilRedisOk (replica: TestApp): Promise<void> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const ready = await (await fetch(`${replica.url}/readyz`, { headers: ADMIN })).json() as ReadyBody
    if (ready.redis?.state === 'ok') return
    if (Date.now() > deadline) throw new Error(`Redis never became ok on ${replica.url}: ${JSON.stringify(ready)}`)
    await sleep(50)
  }
}
