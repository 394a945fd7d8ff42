import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, startTestApp, type TestApp } from '../helpers/app.js'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { SHARED_REDIS } from '../helpers/redis-server.js'

// Each fake WeChat Pay is a merchant of its own, so this file's counts are its own in Redis.
let fake: FakeWechatpay
const opened: TestApp[] = []
const WRONG = { authorization: 'Bearer a-wrong-guess-0123456789abcdef' }

beforeAll(async () => { fake = await startFakeWechatpay() })
afterAll(async () => {
  for (const app of opened) await app.close()
  await fake.simulator.close()
})

async function service (): Promise<TestApp> {
  const app = await startTestApp(fake, { protection: { authFailuresPerMinute: 3 }, redis: { settings: SHARED_REDIS } })
  opened.push(app)
  return app
}

describe('AUTH_FAILURES_PER_MINUTE', () => {
  it('answers a wrong token exactly as no token, then refuses the address on every route, on every replica', async () => {
    const [a, b] = [await service(), await service()] as [TestApp, TestApp]
    const anonymous = await (await fetch(`${a.url}/readyz`)).text()
    const withToken = await (await fetch(`${a.url}/readyz`, { headers: ADMIN })).text()
    expect(withToken.length).toBeGreaterThan(anonymous.length)
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${a.url}/readyz`, { headers: WRONG })
      expect(res.status).toBe(200)
      expect(await res.text()).toBe(anonymous)
    }
    // The fourth failure from this address, on another replica and another route.
    for (const url of [`${b.url}/readyz`, `${a.url}/metrics`, `${a.url}/healthz`, `${b.url}/cards?appid=wx1&offset=0&limit=1`]) {
      const refused = await fetch(url, { headers: WRONG })
      expect(refused.status, url).toBe(429)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
      expect(await refused.json()).toMatchObject({ type: '/problems/auth-failures-exceeded', status: 429 })
    }
    // Callers with a valid token, and probes with none, are not held up by someone else's guesses.
    expect((await fetch(`${a.url}/readyz`, { headers: ADMIN })).status).toBe(200)
    expect((await fetch(`${b.url}/healthz`)).status).toBe(200)
  })

  it('counts a missing token on a guarded route as a failure too', async () => {
    const app = await startTestApp(fake, {
      protection: { authFailuresPerMinute: 2, apiTokens: ['auth-failures-api-token-0123456789'] }
    })
    opened.push(app)
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${app.url}/cards?appid=wx1&offset=0&limit=1`)).status)
    expect(statuses).toEqual([401, 401, 429])
  })

  it('counts nothing while no token is configured: a gateway\'s own Authorization header is not a guess', async () => {
    const app = await startTestApp(fake, { protection: { authFailuresPerMinute: 1, apiTokens: [], adminTokens: [] } })
    opened.push(app)
    const forwarded = { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.a-gateway-jwt.signature' }
    const statuses = []
    for (let i = 0; i < 3; i++) {
      statuses.push((await fetch(`${app.url}/readyz`, { headers: forwarded })).status)
      statuses.push((await fetch(`${app.url}/cards?appid=wx1&offset=0&limit=1`, { headers: forwarded })).status)
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200])
  })

  it('refuses a token that may only purge on the API without counting it as a guess', async () => {
    const app = await startTestApp(fake, {
      protection: { authFailuresPerMinute: 1, apiTokens: ['auth-failures-api-token-0123456789'] }
    })
    opened.push(app)
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${app.url}/cards?appid=wx1&offset=0&limit=1`, { headers: ADMIN })).status)
    expect(statuses).toEqual([401, 401, 401])
  })
})
