import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/config.js'
import { TEST_ENV, startTestApp, type TestApp } from '../helpers/app.js'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { uniqueAppid } from '../helpers/unique.js'

// X-Sandbox-Fault: in sandbox mode a caller asks the simulator to fail its one call, and gets the
// problem production would send for that failure of WeChat Pay.
let sandbox: FastifyInstance
let url: string

async function startSandbox (): Promise<{ app: FastifyInstance, url: string }> {
  const app = await buildApp(loadConfig({ ...TEST_ENV, LOG_LEVEL: 'silent', WECHATPAY_TIMEOUT_MS: '1000', UPSTREAM_MAX_RPS: '1000' }))
  return { app, url: await app.listen({ host: '127.0.0.1', port: 0 }) }
}
beforeAll(async () => { ({ app: sandbox, url } = await startSandbox()) })
afterAll(async () => { await sandbox?.close() })

const cards = (appid: string): string => `/cards?appid=${appid}&offset=0&limit=5`

describe('X-Sandbox-Fault in sandbox mode', () => {
  it.each([
    ['FREQUENCY_LIMITED', 429, '/problems/upstream-rate-limited', 'FREQUENCY_LIMITED', '60'],
    ['SYSTEM_ERROR', 502, '/problems/upstream-system-error', 'SYSTEM_ERROR', null],
    ['NO_AUTH', 403, '/problems/upstream-no-auth', 'NO_AUTH', null],
    ['PARAM_ERROR', 400, '/problems/upstream-param-error', 'PARAM_ERROR', null],
    ['SIGN_ERROR', 502, '/problems/upstream-sign-error', 'SIGN_ERROR', null],
    ['timeout', 504, '/problems/upstream-timeout', undefined, null],
    ['bad-signature', 502, '/problems/upstream-signature-invalid', undefined, null]
  ])('%s answers %i %s, and the page is not cached: the same call without it gets the cards', async (fault, status, type, code, after) => {
    const appid = uniqueAppid()
    const res = await fetch(`${url}${cards(appid)}`, { headers: { 'x-sandbox-fault': fault } })
    expect(res.status).toBe(status)
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    const problem = await res.json() as { type: string, code?: string }
    expect(problem.type).toBe(type)
    expect(problem.code).toBe(code)
    expect(res.headers.get('retry-after')).toBe(after)

    const again = await fetch(`${url}${cards(appid)}`)
    expect(again.status).toBe(200)
    expect(again.headers.get('cache-status')).toMatch(/fwd=miss/)
    expect((await again.json() as { total_count: number }).total_count).toBe(23)
  }, 15_000)

  it('unreachable answers 502 upstream-unreachable with Retry-After, as a WeChat Pay that cannot be reached', async () => {
    // A replica of its own: repeated connection failures open its breaker, as they would in production.
    const own = await startSandbox()
    try {
      const res = await fetch(`${own.url}${cards(uniqueAppid())}`, { headers: { 'x-sandbox-fault': 'unreachable' } })
      expect(res.status).toBe(502)
      expect(await res.json()).toMatchObject({ type: '/problems/upstream-unreachable' })
      expect(res.headers.get('retry-after')).toBe('5')
    } finally {
      await own.app.close()
    }
  })

  it('refuses a fault it does not know, naming those it does, before any call', async () => {
    const res = await fetch(`${url}${cards(uniqueAppid())}`, { headers: { 'x-sandbox-fault': 'SOMETHING_ELSE' } })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({
      type: '/problems/invalid-request',
      invalid_params: [{
        name: 'X-Sandbox-Fault',
        in: 'header',
        reason: 'must be one of FREQUENCY_LIMITED, SYSTEM_ERROR, NO_AUTH, PARAM_ERROR, SIGN_ERROR, timeout, bad-signature, unreachable'
      }]
    })
  })

  it('leaves a page already cached as it is: production would not call WeChat Pay for it either', async () => {
    const appid = uniqueAppid()
    expect((await fetch(`${url}${cards(appid)}`)).status).toBe(200)
    const res = await fetch(`${url}${cards(appid)}`, { headers: { 'x-sandbox-fault': 'SYSTEM_ERROR' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-status')).toMatch(/; hit/)
  })
})

describe('X-Sandbox-Fault outside sandbox mode', () => {
  let fake: FakeWechatpay
  let service: TestApp
  beforeAll(async () => {
    fake = await startFakeWechatpay()
    service = await startTestApp(fake)
  })
  afterAll(async () => {
    await service?.close()
    await fake?.simulator.close()
  })

  it('does nothing: the call succeeds, and WeChat Pay is never sent the header', async () => {
    for (const fault of ['SYSTEM_ERROR', 'no-such-fault']) {
      const res = await fetch(`${service.url}${cards(uniqueAppid())}`, { headers: { 'x-sandbox-fault': fault } })
      expect(res.status).toBe(200)
    }
    expect(fake.simulator.calls.length).toBeGreaterThan(0)
    expect(fake.simulator.calls.every((call) => call.headers['x-sandbox-fault'] === undefined)).toBe(true)
  })
})
