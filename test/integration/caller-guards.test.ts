import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { SHARED_REDIS } from '../helpers/redis-server.js'
import { uniqueAppid } from '../helpers/unique.js'

const FRONTEND = 'frontend-token-0123456789abcdef'
const SYNC = 'sync-service-token-abcdef0123456789'
let fake: FakeWechatpay

beforeAll(async () => { fake = await startFakeWechatpay() })
afterAll(async () => { await fake.simulator.close() })

describe('INTERNAL_API_TOKENS', () => {
  let service: TestApp
  beforeAll(async () => { service = await startTestApp(fake, { protection: { apiTokens: [FRONTEND, SYNC] } }) })
  afterAll(async () => { await service.close() })

  const cards = (): string => `${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`

  it.each([
    ['no Authorization', {}],
    ['a wrong token', { authorization: 'Bearer frontend-token-0123456789abcdeX' }],
    ['another scheme', { authorization: `Basic ${FRONTEND}` }],
    ['an empty bearer', { authorization: 'Bearer ' }]
  ])('%s → 401 problem with WWW-Authenticate, and no upstream call', async (_label, headers) => {
    const before = fake.simulator.calls.length
    const res = await fetch(cards(), { headers })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="wxpay-cards-bff"')
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(await res.json()).toMatchObject({ type: '/problems/unauthorized', status: 401 })
    expect(fake.simulator.calls.length).toBe(before)
  })

  it('each configured token is accepted, on /cards and on the purge route', async () => {
    expect((await fetch(cards(), { headers: { authorization: `Bearer ${FRONTEND}` } })).status).toBe(200)
    expect((await fetch(cards(), { headers: { authorization: `bearer ${SYNC}` } })).status).toBe(200)
    const purge = await fetch(`${service.url}/cards/cache?appid=wx1`, { method: 'DELETE', headers: { authorization: `Bearer ${SYNC}` } })
    expect(purge.status).toBe(204)
    expect((await fetch(`${service.url}/cards/cache?appid=wx1`, { method: 'DELETE' })).status).toBe(401)
  })

  it('health, readiness, docs and problem pages stay open', async () => {
    for (const path of ['/healthz', '/readyz', '/docs/json', '/problems/unauthorized']) {
      expect((await fetch(`${service.url}${path}`)).status).toBe(200)
    }
  })

  it('tokens never reach the logs', async () => {
    await fetch(cards(), { headers: { authorization: `Bearer ${FRONTEND}` } })
    await fetch(cards(), { headers: { authorization: 'Bearer a-wrong-guess-of-the-token-123' } })
    const logs = service.rawLogs()
    for (const secret of [FRONTEND, SYNC, 'a-wrong-guess-of-the-token-123']) expect(logs).not.toContain(secret)
  })
})

describe('RATE_LIMIT_PER_MINUTE', () => {
  it('limits each caller separately (by token, else by address), shared through Redis, with a 429 problem', async () => {
    // The limit's Redis counters outlive a run by a minute: fresh tokens keep runs independent.
    const FRONTEND_RUN = `frontend-${randomUUID()}`
    const SYNC_RUN = `sync-${randomUUID()}`
    const service = await startTestApp(fake, {
      protection: { apiTokens: [FRONTEND_RUN, SYNC_RUN], rateLimitPerMinute: 3 },
      redis: { settings: SHARED_REDIS }
    })
    try {
      const statuses = async (token: string, n: number): Promise<number[]> => await Promise.all(Array.from({ length: n }, async () =>
        (await fetch(`${service.url}/cards?appid=wx1&offset=0&limit=1`, { headers: { authorization: `Bearer ${token}` } })).status))
      const frontend = await statuses(FRONTEND_RUN, 5)
      expect(frontend.filter((s) => s === 200)).toHaveLength(3)
      expect(frontend.filter((s) => s === 429)).toHaveLength(2)
      expect((await statuses(SYNC_RUN, 1))[0]).toBe(200)
      const limited = await fetch(`${service.url}/cards?appid=wx1&offset=0&limit=1`,
        { headers: { authorization: `Bearer ${FRONTEND_RUN}` } })
      expect(limited.status).toBe(429)
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(await limited.json()).toMatchObject({ type: '/problems/rate-limited', status: 429 })
      // Guessing tokens is rate limited like anything else (by address, as the guess is no caller).
      const guesses = await Promise.all(Array.from({ length: 5 }, async (_, i) =>
        (await fetch(`${service.url}/cards?appid=wx1&offset=0&limit=1`,
          { headers: { authorization: `Bearer guess-${randomUUID()}-${i}` } })).status))
      expect(guesses.filter((s) => s === 401).length).toBeLessThanOrEqual(3)
      expect(guesses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2)
    } finally {
      await service.close()
    }
  })
})

describe('TRUST_PROXY', () => {
  it('behind a trusted proxy, callers without a token are limited by their own address, not the proxy\'s', async () => {
    const service = await startTestApp(fake, {
      server: { trustProxy: true },
      protection: { rateLimitPerMinute: 1 },
      redis: { settings: SHARED_REDIS }
    })
    try {
      // Fresh documentation addresses each run: the limit's Redis counters outlive a run by a minute.
      const octet = (): number => 1 + Math.floor(Math.random() * 250)
      const [a, b] = [`198.51.100.${octet()}`, `203.0.113.${octet()}`]
      const from = async (address: string): Promise<number> =>
        (await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=1`, { headers: { 'x-forwarded-for': address } })).status
      expect(await from(a)).toBe(200)
      expect(await from(b)).toBe(200)
      expect(await from(a)).toBe(429)
    } finally {
      await service.close()
    }
  })
})

describe('hostile input', () => {
  let service: TestApp
  beforeAll(async () => { service = await startTestApp(fake) })
  afterAll(async () => { await service.close() })

  it('a query longer than 2 KB → 414 problem, no upstream call', async () => {
    const before = fake.simulator.calls.length
    const res = await fetch(`${service.url}/cards?appid=wx1&offset=0&limit=1&pad=${'x'.repeat(2100)}`)
    expect(res.status).toBe(414)
    expect(await res.json()).toMatchObject({ type: '/problems/query-too-long', status: 414 })
    expect(fake.simulator.calls.length).toBe(before)
  })
})

describe('load shedding (under-pressure)', () => {
  it('answers 503 problems with Retry-After under pressure, keeping /healthz open', async () => {
    // A heap limit of 1 byte puts the service under pressure from its first sample on (about 1 s).
    const service = await startTestApp(fake, { protection: { maxHeapUsedBytes: 1 } })
    try {
      const deadline = Date.now() + 5_000
      let res = await fetch(`${service.url}/cards?appid=wx1&offset=0&limit=1`)
      while (res.status !== 503 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200))
        res = await fetch(`${service.url}/cards?appid=wx1&offset=0&limit=1`)
      }
      expect(res.status).toBe(503)
      expect(res.headers.get('retry-after')).toBe('5')
      expect(await res.json()).toMatchObject({ type: '/problems/overloaded', status: 503 })
      expect((await fetch(`${service.url}/healthz`)).status).toBe(200)
    } finally {
      await service.close()
    }
  }, 15_000)
})
