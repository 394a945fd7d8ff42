import { describe, expect, it } from 'vitest'
import type { FakeWechatpay } from '../helpers/fake-wechatpay.js'
import type { TestApp } from '../helpers/app.js'
import { useService } from '../helpers/suite.js'
import { SHARED_REDIS } from '../helpers/redis-server.js'
import { uniqueAppid } from '../helpers/unique.js'

let fake: FakeWechatpay
let service: TestApp

useService({
  config: { protection: { apiTokens: ['metrics-test-token-0123456789'] }, redis: { settings: SHARED_REDIS } },
  resetEach: false
}, (f, s) => { fake = f; service = s })

const auth = { authorization: 'Bearer metrics-test-token-0123456789' }

/** The value of one sample line of the exposition, or undefined when absent. */
function sample (text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('GET /metrics', () => {
  it('is Prometheus text, open without a token', async () => {
    const res = await fetch(`${service.url}/metrics`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await res.text()
    expect(text).toContain('# TYPE http_requests_total counter')
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m)
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m)
  })

  it('counts requests by route pattern, cache outcomes, upstream attempts, retries and verification failures', async () => {
    const path = `/cards?appid=${uniqueAppid()}&offset=0&limit=2`
    await fetch(`${service.url}${path}`, { headers: auth }) // miss
    await fetch(`${service.url}${path}`, { headers: auth }) // hit
    fake.simulator.enqueue({ kind: 'error', status: 500, code: 'SYSTEM_ERROR', message: '系统繁忙' })
    await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`, { headers: auth }) // a retry, then ok
    fake.simulator.enqueue({ kind: 'tamper' })
    await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`, { headers: auth }) // refused
    await fetch(`${service.url}/no-such-route?x=${uniqueAppid()}`)

    const text = await (await fetch(`${service.url}/metrics`)).text()
    expect(sample(text, 'http_requests_total{route="/cards",method="GET",status="200",caller="token-1"}')).toBeGreaterThanOrEqual(3)
    expect(sample(text, 'http_requests_total{route="/cards",method="GET",status="502",caller="token-1"}')).toBeGreaterThanOrEqual(1)
    expect(sample(text, 'http_requests_total{route="unmatched",method="GET",status="404",caller="anonymous"}')).toBeGreaterThanOrEqual(1)
    expect(text).not.toContain('no-such-route')
    expect(sample(text, 'cards_cache_outcomes_total{endpoint="cards",outcome="hit"}')).toBeGreaterThanOrEqual(1)
    expect(sample(text, 'cards_cache_outcomes_total{endpoint="cards",outcome="miss"}')).toBeGreaterThanOrEqual(2)
    const host = new URL(fake.simulator.url).host
    const attempts = (outcome: string, code: string): number | undefined =>
      sample(text, `wechatpay_request_duration_seconds_count{host="${host}",endpoint="cards",outcome="${outcome}",wechat_code="${code}"}`)
    expect(attempts('ok', '')).toBeGreaterThanOrEqual(2)
    expect(attempts('SYSTEM_ERROR', 'SYSTEM_ERROR')).toBe(1)
    expect(sample(text, `wechatpay_retries_total{host="${host}"}`)).toBe(1)
    expect(sample(text, 'wechatpay_verification_failures_total{reason="bad-signature"}')).toBe(1)
    expect(sample(text, 'redis_up{topology="single"}')).toBe(1)
    expect(sample(text, `wechatpay_circuit_open{host="${host}"}`)).toBe(0)
    // Every attempt asked the budget for its turn (the refusals are in the budget's unit test).
    expect(sample(text, 'wechatpay_budget_takes_total{outcome="immediate"}')).toBeGreaterThanOrEqual(3)
    expect(text).toContain('# TYPE wechatpay_budget_wait_seconds histogram')
  })
})
