import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, startTestApp, type TestApp } from '../helpers/app.js'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { SHARED_REDIS } from '../helpers/redis-server.js'
import { uniqueAppid } from '../helpers/unique.js'

// The levers a caller could pull against everyone else: purging the cache, forcing refetches,
// asking for appids that are not the merchant's, reading the service's insides.
const API_TOKEN = 'admin-levers-api-token-0123456789'
const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })
let fake: FakeWechatpay
const opened: TestApp[] = []

async function service (overrides: Parameters<typeof startTestApp>[1] = {}): Promise<TestApp> {
  const started = await startTestApp(fake, overrides)
  opened.push(started)
  return started
}

beforeAll(async () => { fake = await startFakeWechatpay() })
afterAll(async () => {
  for (const app of opened) await app.close()
  await fake.simulator.close()
})

const purge = async (app: TestApp, headers: Record<string, string> = {}): Promise<Response> =>
  await fetch(`${app.url}/cards/cache?appid=${uniqueAppid()}`, { method: 'DELETE', headers })

describe('purging the cache takes a token, always', () => {
  it('with no token configured at all, purge is refused with a 403 problem saying what to set', async () => {
    const app = await service({ protection: { adminTokens: [], apiTokens: [] } })
    const res = await purge(app)
    expect(res.status).toBe(403)
    expect(await res.json())
      .toMatchObject({ type: '/problems/purge-not-configured', status: 403, detail: expect.stringContaining('CACHE_ADMIN_TOKENS') })
  })

  it('with CACHE_ADMIN_TOKENS: none or a wrong token → 401, an admin token → 204; the token opens nothing else', async () => {
    const app = await service({ protection: { apiTokens: [API_TOKEN] } })
    expect((await purge(app)).status).toBe(401)
    expect((await purge(app, bearer('not-the-admin-token-0123456789'))).status).toBe(401)
    expect((await purge(app, ADMIN)).status).toBe(204)
    // Any INTERNAL_API_TOKENS may purge too; an admin token is not one of those on /cards.
    expect((await purge(app, bearer(API_TOKEN))).status).toBe(204)
    expect((await fetch(`${app.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`, { headers: ADMIN })).status).toBe(401)
  })
})

describe('Cache-Control: no-cache, NO_CACHE_PER_MINUTE times a minute per caller', () => {
  it('honours it twice, then serves the cached page and says why in Cache-Status', async () => {
    const app = await service({ protection: { noCachePerMinute: 2 } })
    const path = `${app.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`
    await fetch(path)
    const forced = []
    for (let i = 0; i < 3; i++) forced.push(await fetch(path, { headers: { 'cache-control': 'no-cache' } }))
    expect(forced.map((res) => res.headers.get('cache-status'))).toEqual([
      'wxpay-cards-bff; fwd=request; stored',
      'wxpay-cards-bff; fwd=request; stored',
      expect.stringMatching(/^wxpay-cards-bff; hit; ttl=\d+; detail=no-cache-limited$/)
    ])
    expect(fake.simulator.calls.filter((call) => call.url.includes(path.split('?')[1] as string))).toHaveLength(3)
    // Pragma: no-cache counts as much.
    const pragma = await fetch(path, { headers: { pragma: 'no-cache' } })
    expect(pragma.headers.get('cache-status')).toMatch(/detail=no-cache-limited$/)
  })

  it('counts a purge as one forced refresh: a purge and then a read cannot get round the allowance', async () => {
    const app = await service({ protection: { noCachePerMinute: 2, apiTokens: [API_TOKEN] } })
    const path = `${app.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`
    const forced = { ...bearer(API_TOKEN), 'cache-control': 'no-cache' }
    expect((await fetch(path, { headers: forced })).headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=request; stored')
    expect((await purge(app, bearer(API_TOKEN))).status).toBe(204)
    const refused = await purge(app, bearer(API_TOKEN))
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(await refused.json()).toMatchObject({ type: '/problems/refresh-limited', status: 429 })
    // Another caller (the admin token) has an allowance of its own.
    expect((await purge(app, ADMIN)).status).toBe(204)
  })

  it('counts per caller across the fleet through Redis, and a /cards/all call counts once', async () => {
    const config = { redis: { settings: SHARED_REDIS }, protection: { noCachePerMinute: 2, apiTokens: [API_TOKEN] } }
    const [a, b] = [await service(config), await service(config)] as [TestApp, TestApp]
    const appid = uniqueAppid()
    fake.simulator.setCards(appid, Array.from({ length: 45 }, (_, i) => ({ card_id: `card-${i}` })))
    const headers = { ...bearer(API_TOKEN), 'cache-control': 'no-cache' }
    // Three pages refreshed, one count.
    expect((await fetch(`${a.url}/cards/all?appid=${appid}`, { headers })).headers.get('cache-status')).toMatch(/fwd=request/)
    expect((await fetch(`${b.url}/cards?appid=${appid}&offset=0&limit=20`, { headers })).headers.get('cache-status'))
      .toBe('wxpay-cards-bff; fwd=request; stored')
    // The third, on the other replica: past the fleet's count for this caller.
    expect((await fetch(`${a.url}/cards?appid=${appid}&offset=1&limit=20`, { headers })).headers.get('cache-status'))
      .toMatch(/; hit; .*detail=no-cache-limited$/)
    // Another caller (an address, with no token) has its own count.
    expect((await fetch(`${a.url}/cards?appid=${appid}&offset=0&limit=20`, { headers: { 'cache-control': 'no-cache' } })).status).toBe(401)
  })
})

describe('WECHATPAY_APPIDS', () => {
  it('refuses any other appid with a 400 problem naming it, and costs no upstream call', async () => {
    const mine = uniqueAppid()
    const app = await service({ wechatpay: { appids: [mine] } })
    const before = fake.simulator.calls.length
    for (const path of ['/cards?appid=wxother&offset=0&limit=2', '/cards/all?appid=wxother']) {
      const res = await fetch(`${app.url}${path}`)
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({
        type: '/problems/invalid-request',
        invalid_params: [{ name: 'appid', in: 'query', reason: expect.stringContaining('WECHATPAY_APPIDS') }]
      })
    }
    expect((await fetch(`${app.url}/cards/cache?appid=wxother`, { method: 'DELETE', headers: ADMIN })).status).toBe(400)
    expect(fake.simulator.calls.length).toBe(before)
    expect((await fetch(`${app.url}/cards?appid=${mine}&offset=0&limit=2`)).status).toBe(200)
  })
})

describe('what the service tells about itself', () => {
  it('DOCS_ENABLED=false turns /docs and /docs/json off; the API still answers', async () => {
    const app = await service({ server: { docsEnabled: false } })
    expect((await fetch(`${app.url}/docs/json`)).status).toBe(404)
    expect((await fetch(`${app.url}/docs`)).status).toBe(404)
    expect((await fetch(`${app.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`)).status).toBe(200)
  })

  it('the OpenAPI document declares the bearer scheme, and which operations take a token', async () => {
    const app = await service()
    type Doc = { components: { securitySchemes: unknown }, paths: Record<string, any> }
    const doc = await (await fetch(`${app.url}/docs/json`)).json() as Doc
    expect(doc.components.securitySchemes).toEqual({ bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }) })
    expect(doc.paths['/cards'].get.security).toEqual([{}, { bearer: [] }])
    expect(doc.paths['/cards/cache'].delete.security).toEqual([{ bearer: [] }])
  })

  it('/readyz tells anyone its status and checks; Redis, keys and their details only to a caller with a token, and the log', async () => {
    const app = await service({ redis: { settings: SHARED_REDIS } })
    const open = await (await fetch(`${app.url}/readyz`)).json() as Record<string, unknown>
    expect(open).toEqual({ status: 'ok', checks: { keys: 'ok', redis: 'ok', upstream: 'ok' } })
    const told = await (await fetch(`${app.url}/readyz`, { headers: ADMIN })).json() as Record<string, unknown>
    expect(told).toMatchObject({
      status: 'ok', redis: { topology: 'single', location: 'redis://127.0.0.1:6379' }, keys: { mode: 'public-key' }
    })
    expect(app.logs.find((line) => line.msg === 'readiness: ok')).toMatchObject({ readiness: { redis: { location: 'redis://127.0.0.1:6379' } } })
  })

  it('METRICS_PORT serves /metrics on a listener of its own, and not on the service\'s port', async () => {
    const app = await service({ server: { metrics: { host: '127.0.0.1', port: 0 } } })
    // The listener starts with the service's own (onListen).
    await expect.poll(() => app.app.metricsAddress?.()?.port ?? 0).toBeGreaterThan(0)
    const address = app.app.metricsAddress?.()
    const metrics = await fetch(`http://127.0.0.1:${address?.port ?? 0}/metrics`)
    expect(metrics.status).toBe(200)
    expect(await metrics.text()).toContain('http_requests_total')
    expect((await fetch(`${app.url}/metrics`)).status).toBe(404)
    expect((await fetch(`http://127.0.0.1:${address?.port ?? 0}/cards`)).status).toBe(404)
  })

  it('every answer says X-Content-Type-Options: nosniff', async () => {
    const app = await service()
    for (const path of ['/healthz', '/cards?appid=wx1&offset=0&limit=1', '/nowhere', '/problems', '/cards?limit=x']) {
      expect((await fetch(`${app.url}${path}`)).headers.get('x-content-type-options'), path).toBe('nosniff')
    }
  })
})
