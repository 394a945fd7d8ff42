import { describe, expect, it } from 'vitest'
import type { FakeWechatpay } from '../helpers/fake-wechatpay.js'
import type { TestApp } from '../helpers/app.js'
import { useService } from '../helpers/suite.js'
import { SHARED_REDIS } from '../helpers/redis-server.js'
import { uniqueAppid } from '../helpers/unique.js'

const RPS = 3
let fake: FakeWechatpay
let service: TestApp

useService({
  config: { wechatpay: { upstreamMaxRps: RPS }, redis: { settings: SHARED_REDIS } },
  resetEach: false
}, (f, s) => { fake = f; service = s })

describe('GET /cards/all inside the upstream budget', () => {
  it(`reads 10 uncached pages at no more than UPSTREAM_MAX_RPS=${RPS}, and still answers with every card`, async () => {
    const appid = uniqueAppid()
    const cards = Array.from({ length: 200 }, (_, i) => ({ card_id: `card-${i}` }))
    fake.simulator.setCards(appid, cards)
    const res = await fetch(`${service.url}/cards/all?appid=${appid}`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ data: cards, total_count: 200 })

    const at = fake.simulator.calls.map((call) => call.at).sort((a, b) => a - b)
    expect(at).toHaveLength(10)
    // GCRA at 3/s with a burst of 3: no window of one second holds more than 3 + 3 calls,
    // and the ten calls need at least (10 - 3) / 3 s.
    const busiest = Math.max(...at.map((start) => at.filter((t) => t >= start && t < start + 1000).length))
    expect(busiest).toBeLessThanOrEqual(2 * RPS)
    expect((at.at(-1) as number) - (at[0] as number)).toBeGreaterThanOrEqual(((10 - RPS) / RPS) * 1000 - 150)
    // Never more than the budget at once: the walk's concurrency is kept at or under UPSTREAM_MAX_RPS.
    const burst = at.filter((t) => t < (at[0] as number) + 300).length
    expect(burst).toBeLessThanOrEqual(RPS)
  })
})
