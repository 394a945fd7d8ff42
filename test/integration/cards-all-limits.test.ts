import { afterEach, describe, expect, it } from 'vitest'
import type { FakeWechatpay } from '../helpers/fake-wechatpay.js'
import type { TestApp } from '../helpers/app.js'
import { useService } from '../helpers/suite.js'
import { SHARED_REDIS } from '../helpers/redis-server.js'
import { uniqueAppid } from '../helpers/unique.js'

// Walks overlap only while they wait for WeChat Pay: the fake answers slowly, and every walk reads
// two uncached pages of an appid of its own, so it runs for two of these latencies.
const LATENCY_MS = 600
const PER_REPLICA = 3

let fake: FakeWechatpay
let service: TestApp

useService({
  config: {
    redis: { settings: SHARED_REDIS },
    wechatpay: { cardsAllConcurrency: PER_REPLICA },
    // Callers are told apart by address, as the proxy in front names them.
    server: { trustProxy: true }
  }
}, (f, s) => { fake = f; service = s })

afterEach(() => { fake.simulator.setLatency(0) })

interface Answer { status: number, retryAfter: string | null, type: string | undefined, cards: number, at: number }

/** One walk of a fresh list of 21 cards (two pages) by `caller`, with when its answer came. */
async function walk (caller: string, init: RequestInit = {}): Promise<Answer> {
  const appid = uniqueAppid()
  fake.simulator.setCards(appid, Array.from({ length: 21 }, (_, i) => ({ card_id: `card-${i}` })))
  const res = await fetch(`${service.url}/cards/all?appid=${appid}`, { ...init, headers: { 'x-forwarded-for': caller } })
  const body = await res.json() as { type?: string, data?: unknown[] }
  const at = performance.now()
  return { status: res.status, retryAfter: res.headers.get('retry-after'), type: body.type, cards: body.data?.length ?? 0, at }
}

/** Resolves once WeChat Pay has been asked for `n` pages since the test began: those walks hold their places. */
async function upstreamCalls (n: number): Promise<void> {
  while (fake.simulator.calls.length < n) await new Promise((resolve) => setTimeout(resolve, 10))
}

const ok = { status: 200, cards: 21 }

describe('GET /cards/all: walks at once per caller', () => {
  it('a third walk of one caller gets a 429 with Retry-After at once, while its two walks and another caller\'s succeed', async () => {
    fake.simulator.setLatency(LATENCY_MS)
    const running = [walk('10.1.0.1'), walk('10.1.0.1')]
    await upstreamCalls(2)
    const third = await walk('10.1.0.1')
    const other = walk('10.1.0.2')
    const [first, second] = await Promise.all(running)

    expect(third).toMatchObject({ status: 429, type: '/problems/too-many-walks', retryAfter: '1' })
    // At once: before either of the caller's walks had its answer, and without a call to WeChat Pay.
    expect(third.at).toBeLessThan(Math.min(first?.at ?? 0, second?.at ?? 0))
    expect(first).toMatchObject(ok)
    expect(second).toMatchObject(ok)
    expect(await other).toMatchObject(ok)
    expect(fake.simulator.calls).toHaveLength(3 * 2)
  })

  it('a walk\'s place is given back after every kind of answer, and when its caller goes away', async () => {
    const caller = '10.2.0.1'
    // A 200, then a problem (WeChat Pay refuses page 0).
    expect(await walk(caller)).toMatchObject(ok)
    fake.simulator.enqueue({ kind: 'error', status: 403, code: 'NO_AUTH' })
    expect(await walk(caller)).toMatchObject({ status: 403, type: '/problems/upstream-no-auth' })

    // Two walks whose caller hangs up before the answer: their places stay taken until they end.
    fake.simulator.setLatency(LATENCY_MS)
    const gone = new AbortController()
    const abandoned = [walk(caller, { signal: gone.signal }), walk(caller, { signal: gone.signal })]
    const before = fake.simulator.calls.length
    await upstreamCalls(before + 2)
    gone.abort()
    await Promise.allSettled(abandoned)
    expect((await walk(caller)).status).toBe(429)
    await new Promise((resolve) => setTimeout(resolve, 3 * LATENCY_MS))

    // Had any of these answers kept its place, the caller could not run two walks side by side now.
    fake.simulator.setLatency(0)
    expect(await Promise.all([walk(caller), walk(caller)])).toMatchObject([ok, ok])
  })
})

describe('GET /cards/all: walks at once per replica (CARDS_ALL_CONCURRENCY)', () => {
  it(`past ${PER_REPLICA} walks on the replica, a 503 with Retry-After at once, and the running walks succeed`, async () => {
    fake.simulator.setLatency(LATENCY_MS)
    const running = Array.from({ length: PER_REPLICA }, async (_, i) => await walk(`10.3.0.${i + 1}`))
    await upstreamCalls(PER_REPLICA)
    const refused = await walk('10.3.1.1')
    const answers = await Promise.all(running)

    expect(refused).toMatchObject({ status: 503, type: '/problems/walks-busy', retryAfter: '1' })
    expect(refused.at).toBeLessThan(Math.min(...answers.map((answer) => answer.at)))
    expect(answers).toMatchObject(answers.map(() => ok))
    expect(fake.simulator.calls).toHaveLength(PER_REPLICA * 2)
    // Once they have answered, the replica takes walks again.
    expect(await walk('10.3.1.1')).toMatchObject(ok)
  })
})
