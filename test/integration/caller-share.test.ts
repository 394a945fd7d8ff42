import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { SHARED_REDIS } from '../helpers/redis-server.js'
import { uniqueAppid } from '../helpers/unique.js'

// Fresh tokens each run: a caller's share lives in Redis for a second or so after a run.
const HOG = `hog-${randomUUID()}`
const OTHERS = [`one-${randomUUID()}`, `two-${randomUUID()}`, `three-${randomUUID()}`]
const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })

let fake: FakeWechatpay
let service: TestApp

beforeAll(async () => {
  fake = await startFakeWechatpay()
  service = await startTestApp(fake, {
    wechatpay: { upstreamMaxRps: 4, upstreamCallerShare: 0.5 },
    protection: { apiTokens: [HOG, ...OTHERS] },
    redis: { settings: SHARED_REDIS }
  })
})
afterAll(async () => {
  await service.close()
  await fake.simulator.close()
})

const page = async (token: string, appid: string, offset: number, headers: Record<string, string> = {}): Promise<Response> =>
  await fetch(`${service.url}/cards?appid=${appid}&offset=${offset}&limit=1`, { headers: { ...bearer(token), ...headers } })

describe('UPSTREAM_CALLER_SHARE', () => {
  it('keeps one caller reading 40 uncached pages from starving three others (UPSTREAM_MAX_RPS=4)', async () => {
    const appid = uniqueAppid()
    const hogStatuses: number[] = []
    let next = 0
    const hogWorker = async (): Promise<void> => {
      while (next < 40) {
        const res = await page(HOG, appid, next++)
        hogStatuses.push(res.status)
        if (res.status === 429) {
          expect(await res.json()).toMatchObject({ type: '/problems/upstream-share-exceeded', status: 429 })
          expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
        } else await res.arrayBuffer()
      }
    }
    const hog = Promise.all(Array.from({ length: 10 }, hogWorker))
    const others = OTHERS.map(async (token, i) => {
      await new Promise((resolve) => setTimeout(resolve, 50 + 200 * i))
      const started = Date.now()
      const res = await page(token, uniqueAppid(), 0)
      return { status: res.status, ms: Date.now() - started, body: await res.text() }
    })
    const answered = await Promise.all(others)
    await hog
    for (const other of answered) {
      expect(other.status, other.body).toBe(200)
      expect(other.ms).toBeLessThan(5_000)
    }
    // The hog got some pages, and was told at once to come back for the rest.
    expect(hogStatuses.filter((status) => status === 200).length).toBeGreaterThan(0)
    expect(hogStatuses.filter((status) => status === 429).length).toBeGreaterThan(0)
    expect(hogStatuses.every((status) => status === 200 || status === 429)).toBe(true)
  })

  it('serves a caller past its share the page it already has instead of refusing it', async () => {
    // A share of one call a second: the second fetch in a row is past it.
    const token = `strict-${randomUUID()}`
    const strict = await startTestApp(fake, {
      wechatpay: { upstreamMaxRps: 4, upstreamCallerShare: 0.25 },
      protection: { apiTokens: [token] },
      redis: { settings: SHARED_REDIS }
    })
    try {
      const appid = uniqueAppid()
      const get = async (offset: number, headers: Record<string, string> = {}): Promise<Response> =>
        await fetch(`${strict.url}/cards?appid=${appid}&offset=${offset}&limit=1`, { headers: { ...bearer(token), ...headers } })
      expect((await get(0)).status).toBe(200)
      const forced = await get(0, { 'cache-control': 'no-cache' })
      expect(forced.status).toBe(200)
      expect(forced.headers.get('cache-status')).toMatch(/; hit; ttl=\d+; detail=share-exceeded$/)
      const uncached = await get(1)
      expect(uncached.status).toBe(429)
      expect(uncached.headers.get('cache-status')).toMatch(/fwd=miss/)
    } finally {
      await strict.close()
    }
  })
})
