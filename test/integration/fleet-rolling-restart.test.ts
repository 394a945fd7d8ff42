import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { startNginxBalancer, type NginxBalancer } from '../helpers/nginx-balancer.js'
import { freePort, privateRedis, type PrivateRedis } from '../helpers/redis-server.js'
import { serviceEnvironment, startServiceProcess, type ServiceProcess } from '../helpers/service-process.js'
import { uniqueAppid } from '../helpers/unique.js'

// Three replicas of the real process behind the compose file's nginx, under steady traffic, each
// restarted in turn with SIGTERM as an orchestrator does: callers must not notice, and the fleet
// must keep making one WeChat Pay call per page per TTL through the Redis they share.

const CALLERS = 16
const PAGES = 4
const TTL_SECONDS = 2
const SLOW_MS = 2_000
/** A caller's pause between requests: steady traffic, not a benchmark of how fast two shared cores go. */
const THINK_MS = 25

let fake: FakeWechatpay
let redis: PrivateRedis
let balancer: NginxBalancer | undefined
let ports: number[]
const replicas: ServiceProcess[] = []
const retired: ServiceProcess[] = []

beforeAll(async () => {
  fake = await startFakeWechatpay()
  redis = await privateRedis()
  await redis.start()
  ports = await Promise.all([0, 1, 2].map(async () => await freePort()))
  // Every replica that started is tracked for afterAll, even when another one failed to.
  const started = await Promise.allSettled(ports.map(async (port) => await startServiceProcess(environment(), port)))
  for (const result of started) if (result.status === 'fulfilled') replicas.push(result.value)
  for (const result of started) if (result.status === 'rejected') throw result.reason
  balancer = await startNginxBalancer(ports, await freePort())
}, 60_000)

afterAll(async () => {
  await balancer?.stop()
  await Promise.all([...replicas, ...retired].map(async (replica) => { await replica.kill() }))
  await redis?.stop()
  await fake?.simulator.close()
}, 30_000)

function environment (): Record<string, string> {
  return {
    ...serviceEnvironment(fake),
    REDIS_URL: redis.url,
    CACHE_TTL_SECONDS: String(TTL_SECONDS),
    // A loaded test machine stalls processes for hundreds of milliseconds; at the default 150 ms such
    // a stall reads as Redis failing, the cache fails open for seconds and the budget refuses. That is
    // cache-redis-outage.test.ts's subject; this test's is restarts.
    REDIS_COMMAND_TIMEOUT_MS: '1000',
    // Access lines for thousands of requests would only cost the two cores this test shares.
    LOG_LEVEL: 'warn'
  }
}

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

interface Outcome { path: string, status: number, ms: number, detail?: string }

/** CALLERS callers, each requesting the pages in turn through the balancer until `stop`. */
function steadyTraffic (url: string, appid: string): { stop: () => Promise<Outcome[]> } {
  const outcomes: Outcome[] = []
  const state = { running: true }
  const caller = async (index: number): Promise<void> => {
    for (let i = index; state.running; i++) {
      const path = `/cards?appid=${appid}&offset=${i % PAGES}&limit=5`
      const started = performance.now()
      try {
        const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(10_000) })
        const body = await res.text()
        outcomes.push({ path, status: res.status, ms: performance.now() - started, ...(res.status === 200 ? {} : { detail: body }) })
      } catch (err) {
        outcomes.push({ path, status: 0, ms: performance.now() - started, detail: String(err) })
      }
      await sleep(THINK_MS)
    }
  }
  const callers = Array.from({ length: CALLERS }, async (_, index) => { await caller(index) })
  return {
    stop: async () => {
      state.running = false
      await Promise.all(callers)
      return outcomes
    }
  }
}

/** Resolves once the replica has answered callers (through the balancer), within 20 s. */
async function rejoined (replica: ServiceProcess): Promise<void> {
  const giveUpAt = Date.now() + 20_000
  while (await sample(replica, 'http_requests_total{route="/cards",method="GET",status="200",caller="anonymous"}') === 0) {
    if (Date.now() > giveUpAt) throw new Error(`the balancer sent no caller to the restarted replica ${replica.url} within 20 s`)
    await sleep(200)
  }
}

/** The value of one sample of a replica's /metrics, 0 when absent. */
async function sample (replica: ServiceProcess, series: string): Promise<number> {
  const text = await (await fetch(`${replica.url}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? 0 : Number(line.slice(series.length + 1))
}

describe('a rolling restart of three replicas behind nginx, under load', () => {
  it('fails no request, slows none past 2 s, and still calls WeChat Pay once per page per TTL', async () => {
    if (balancer === undefined) throw new Error('no balancer')
    const appid = uniqueAppid()
    const started = Date.now()
    // The pages are fetched once before the clock starts: cold misses queue on the merchant's
    // 5/s budget (the fourth page's call waits 600 ms, by design), which is not what this measures.
    for (let page = 0; page < PAGES; page++) {
      const res = await fetch(`${balancer.url}/cards?appid=${appid}&offset=${page}&limit=5`)
      expect(res.status, await res.text()).toBe(200)
    }
    const traffic = steadyTraffic(balancer.url, appid)
    const exits: Array<number | null> = []
    const restarts: string[] = []
    let outcomes: Outcome[] = []
    try {
      await sleep(2_000)
      for (const [index, port] of ports.entries()) {
        const old = replicas[index] as ServiceProcess
        const signalled = Date.now()
        old.child.kill('SIGTERM')
        exits.push(await old.exited)
        retired.push(old)
        const stopped = Date.now()
        const fresh = await startServiceProcess(environment(), port)
        replicas[index] = fresh
        restarts.push(`${stopped - signalled}+${Date.now() - stopped} ms`)
        // The next replica goes down only once the balancer sends this one callers again: nginx
        // skips a server for fail_timeout (10 s) after its failures.
        await rejoined(fresh)
      }
    } finally {
      outcomes = await traffic.stop()
    }
    const seconds = (Date.now() - started) / 1000

    const failed = outcomes.filter((outcome) => outcome.status !== 200)
    const slowest = Math.max(...outcomes.map((outcome) => outcome.ms))
    const calls = fake.simulator.calls.filter((call) => call.url.includes(`appid=${appid}`))
    const callsPerPage = Array.from({ length: PAGES }, (_, page) => calls.filter((call) => call.url.includes(`offset=${page}&`)).length)
    console.log(`rolling restart: ${outcomes.length} requests in ${seconds.toFixed(1)} s, ${failed.length} failed, ` +
      `slowest ${slowest.toFixed(0)} ms, WeChat Pay calls per page ${callsPerPage.join('/')}; ` +
      `restarts (stop+start) ${restarts.join(', ')}`)

    expect(exits).toEqual([0, 0, 0])
    expect(failed.slice(0, 5), `${failed.length} of ${outcomes.length} failed\n${balancer.output()}\n` +
      retired.map((replica) => replica.output()).join('\n')).toEqual([])
    expect(slowest).toBeLessThan(SLOW_MS)
    // Steady means steady: hundreds of requests per replica, not a trickle that could miss a restart.
    expect(outcomes.length).toBeGreaterThan(1_000)
    // A page is refreshed when a request finds it stale, so at most once per TTL after its first fetch
    // (one more is allowed for a refresh cut short by a shutdown). Replicas that did not share Redis
    // would each make their own calls, about three times as many.
    const perPageLimit = Math.floor(seconds / TTL_SECONDS) + 2
    for (const count of callsPerPage) {
      expect(count).toBeLessThanOrEqual(perPageLimit)
      // ...and still refreshed about once per TTL all along, restarts included, not served stale.
      expect(count).toBeGreaterThanOrEqual(Math.floor(seconds / TTL_SECONDS / 2))
    }
    const rss = await Promise.all(replicas.map(async (replica) => await sample(replica, 'process_resident_memory_bytes')))
    console.log(`replicas after the run: RSS ${rss.map((bytes) => `${Math.round(bytes / 2 ** 20)} MiB`).join(', ')}`)
  }, 120_000)
})
