import { describe, expect, it } from 'vitest'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { useService } from '../helpers/suite.js'
import { freePort, SHARED_REDIS } from '../helpers/redis-server.js'
import { uniqueAppid } from '../helpers/unique.js'

let fake: FakeWechatpay
let service: TestApp

useService({ config: { wechatpay: { timeoutMs: 3_000, upstreamMaxRps: 1000 } } }, (f, s) => { fake = f; service = s })

const cards = (): string => `/cards?appid=${uniqueAppid()}&offset=0&limit=3`
const SYSTEM_ERROR = { kind: 'error' as const, status: 500, code: 'SYSTEM_ERROR', message: '系统繁忙' }

describe('bounded retries', () => {
  it.each([
    ['a 500', SYSTEM_ERROR],
    ['a 502', { kind: 'error' as const, status: 502, code: 'BAD_GATEWAY', message: 'bad gateway' }],
    ['a 503', { kind: 'error' as const, status: 503, code: 'SERVICE_UNAVAILABLE', message: '服务不可用' }],
    ['a 429 without Retry-After', { kind: 'error' as const, status: 429, code: 'RATELIMIT_EXCEEDED', message: '频率超限' }],
    ['a dropped connection', { kind: 'drop' as const }],
    ['a WECHATPAY/SIGNTEST/ probe', { kind: 'probe' as const }]
  ])('%s is retried with a new nonce and timestamp, and the retry\'s page is served', async (_label, fault) => {
    fake.simulator.enqueue(fault)
    const res = await fetch(`${service.url}${cards()}`)
    expect(res.status).toBe(200)
    const [first, second] = fake.simulator.calls
    expect(fake.simulator.calls).toHaveLength(2)
    expect(second?.authorization.ok).toBe(true)
    expect(second?.authorization.nonce).not.toBe(first?.authorization.nonce)
  })

  it('gives up after two retries: three calls in all', async () => {
    fake.simulator.enqueue(SYSTEM_ERROR, SYSTEM_ERROR, SYSTEM_ERROR, SYSTEM_ERROR)
    const res = await fetch(`${service.url}${cards()}`)
    expect(res.status).toBe(502)
    expect(fake.simulator.calls).toHaveLength(3)
  })

  it('a probe earns one retry only', async () => {
    fake.simulator.enqueue({ kind: 'probe' }, { kind: 'probe' }, { kind: 'probe' })
    expect((await fetch(`${service.url}${cards()}`)).status).toBe(502)
    expect(fake.simulator.calls).toHaveLength(2)
  })

  it.each([
    ['400 PARAM_ERROR', { kind: 'error' as const, status: 400, code: 'PARAM_ERROR', message: '参数错误' }],
    ['401 SIGN_ERROR', { kind: 'error' as const, status: 401, code: 'SIGN_ERROR', message: '签名错误' }],
    ['403 NO_AUTH', { kind: 'error' as const, status: 403, code: 'NO_AUTH', message: '无权限' }],
    ['404 NOT_FOUND', { kind: 'error' as const, status: 404, code: 'NOT_FOUND', message: '不存在' }],
    ['a tampered body', { kind: 'tamper' as const }],
    ['an unknown serial', { kind: 'serial' as const, serial: 'ABCDEF0123456789' }]
  ])('%s is never retried', async (_label, fault) => {
    fake.simulator.enqueue(fault, fault)
    await fetch(`${service.url}${cards()}`)
    expect(fake.simulator.calls).toHaveLength(1)
  })

  it('honours Retry-After on a 429', async () => {
    fake.simulator.enqueue({ kind: 'error', status: 429, code: 'FREQUENCY_LIMITED', message: '频率超限', headers: { 'Retry-After': '1' } })
    const res = await fetch(`${service.url}${cards()}`)
    expect(res.status).toBe(200)
    const [first, second] = fake.simulator.calls
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950)
  })

  it('does not retry when Retry-After points past the deadline; the caller gets the 429 at once', async () => {
    fake.simulator.enqueue({ kind: 'error', status: 429, code: 'FREQUENCY_LIMITED', message: '频率超限', headers: { 'Retry-After': '30' } })
    const res = await fetch(`${service.url}${cards()}`)
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('30')
    expect(fake.simulator.calls).toHaveLength(1)
  })

  it('a timed-out attempt is retried within WECHATPAY_TIMEOUT_MS', async () => {
    fake.simulator.enqueue({ kind: 'delay', ms: 2_000 })
    const res = await fetch(`${service.url}${cards()}`)
    expect(res.status).toBe(200)
    expect(fake.simulator.calls).toHaveLength(2)
  })
})

describe('failover to the backup host', () => {
  it('an unreachable primary fails over to a healthy backup, and after repeated failures is skipped', async () => {
    const deadPrimary = `http://127.0.0.1:${await freePort()}`
    const app = await startTestApp(fake, { wechatpay: { baseUrl: deadPrimary, backupBaseUrl: fake.simulator.url } })
    try {
      for (let i = 0; i < 4; i++) expect((await fetch(`${app.url}${cards()}`)).status).toBe(200)
      expect(fake.simulator.calls).toHaveLength(4)
      const warning = app.logs.find((l) => l.msg === 'WeChat Pay host unreachable repeatedly; skipping it for a cool-down')
      expect(warning).toMatchObject({ level: 40, host: new URL(deadPrimary).host })
      expect(app.app.wechatpay.breakerStates()).toEqual([
        { host: new URL(deadPrimary).host, state: 'open' },
        { host: new URL(fake.simulator.url).host, state: 'closed' }
      ])
    } finally {
      await app.close()
    }
  })

  it('with every host cooling down, /readyz stays 200 but says degraded: cached pages still serve', async () => {
    const app = await startTestApp(fake, { wechatpay: { baseUrl: `http://127.0.0.1:${await freePort()}`, backupBaseUrl: undefined } })
    try {
      expect(await (await fetch(`${app.url}/readyz`)).json()).toMatchObject({ status: 'ok', checks: { upstream: 'ok' } })
      for (let i = 0; i < 3; i++) expect((await fetch(`${app.url}${cards()}`)).status).toBe(502)
      const ready = await fetch(`${app.url}/readyz`)
      expect(ready.status).toBe(200)
      expect(await ready.json()).toMatchObject({ status: 'degraded', checks: { upstream: 'unreachable' } })
    } finally {
      await app.close()
    }
  })

  it('an HTTP error from the primary does not fail over: the host is up', async () => {
    const other = await startFakeWechatpay()
    const app = await startTestApp(fake, { wechatpay: { baseUrl: fake.simulator.url, backupBaseUrl: other.simulator.url } })
    try {
      fake.simulator.enqueue(SYSTEM_ERROR)
      expect((await fetch(`${app.url}${cards()}`)).status).toBe(200)
      expect(fake.simulator.calls).toHaveLength(2)
      expect(other.simulator.calls).toHaveLength(0)
    } finally {
      await app.close()
      await other.simulator.close()
    }
  })
})

describe('the merchant\'s budget, shared by the fleet', () => {
  it('two replicas together stay within UPSTREAM_MAX_RPS; requests over it get 503 with Retry-After', async () => {
    const replicas = [
      await startTestApp(fake, { wechatpay: { upstreamMaxRps: 2 }, redis: { settings: SHARED_REDIS } }),
      await startTestApp(fake, { wechatpay: { upstreamMaxRps: 2 }, redis: { settings: SHARED_REDIS } })
    ]
    try {
      const started = Date.now()
      const responses = await Promise.all(Array.from({ length: 12 }, async (_, i) => await fetch(`${replicas[i % 2]?.url}${cards()}`)))
      const elapsedSeconds = (Date.now() - started) / 1000
      const calls = fake.simulator.calls.length
      // GCRA with a burst of 2 at 2/s: at most 2 at once, then one every 500 ms.
      expect(calls).toBeLessThanOrEqual(2 + Math.floor(elapsedSeconds * 2) + 1)
      expect(calls).toBeGreaterThanOrEqual(2)
      const refused = responses.filter((r) => r.status === 503)
      expect(refused.length).toBeGreaterThan(0)
      expect(refused.length + calls).toBe(12)
      for (const res of refused) {
        expect(res.headers.get('retry-after')).toMatch(/^\d+$/)
        expect(await res.json()).toMatchObject({ type: '/problems/upstream-budget-exhausted', status: 503 })
      }
    } finally {
      for (const replica of replicas) await replica.close()
    }
  })
})
