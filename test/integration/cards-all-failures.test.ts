import { describe, expect, it } from 'vitest'
import type { FakeWechatpay } from '../helpers/fake-wechatpay.js'
import type { TestApp } from '../helpers/app.js'
import { useService } from '../helpers/suite.js'
import { SHARED_REDIS } from '../helpers/redis-server.js'
import { uniqueAppid } from '../helpers/unique.js'

// Lists that change between reads: the simulator asks for an appid's cards at every call.
const lists = new Map<string, () => unknown[]>()
let fake: FakeWechatpay
let service: TestApp

useService({
  simulator: { cardsFor: (appid) => lists.get(appid)?.() ?? [] },
  config: { wechatpay: { cardsAllMax: 50 }, redis: { settings: SHARED_REDIS } }
}, (f, s) => { fake = f; service = s })

const cardsOf = (n: number): Array<Record<string, unknown>> => Array.from({ length: n }, (_, i) => ({ card_id: `card-${i}` }))
const get = async (path: string, headers: Record<string, string> = {}): Promise<Response> =>
  await fetch(`${service.url}${path}`, { headers })
const offsets = (): number[] => fake.simulator.calls.map((call) => Number(new URL(call.url, 'http://x').searchParams.get('offset')))

interface Problem { type: string, status: number, detail: string, code?: string, request_id?: string }

describe('GET /cards/all over CARDS_ALL_MAX', () => {
  it('is a 422 problem telling the caller to page with /cards, after reading page 0 only', async () => {
    const appid = uniqueAppid()
    fake.simulator.setCards(appid, cardsOf(51))
    const res = await get(`/cards/all?appid=${appid}`)
    expect(res.status).toBe(422)
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const problem = await res.json() as Problem
    expect(problem).toMatchObject({ type: '/problems/too-many-cards', status: 422 })
    expect(problem.detail).toContain('51 card templates, more than the 50')
    expect(problem.detail).toContain('GET /cards?offset=0&limit=20 up to offset=2')
    expect(offsets()).toEqual([0])
  })

  it('a list of exactly CARDS_ALL_MAX cards is served', async () => {
    const appid = uniqueAppid()
    fake.simulator.setCards(appid, cardsOf(50))
    const res = await get(`/cards/all?appid=${appid}`)
    expect(res.status).toBe(200)
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(50)
  })
})

describe('GET /cards/all when a page fails', () => {
  // Pages 0 and 2 are cached first, so a fault meets page 1, whatever order pages 1 and 2 run in.
  const cachedExceptPage1 = async (): Promise<string> => {
    const appid = uniqueAppid()
    fake.simulator.setCards(appid, cardsOf(47))
    await get(`/cards?appid=${appid}&offset=0&limit=20`)
    await get(`/cards?appid=${appid}&offset=2&limit=20`)
    fake.simulator.calls.length = 0
    return appid
  }

  it('a non-retryable error on the middle page fails the call with its problem and WeChat Pay\'s code, naming the page', async () => {
    const appid = await cachedExceptPage1()
    fake.simulator.enqueue({ kind: 'error', status: 403, code: 'NO_AUTH', message: '商户暂无权限使用此功能' })
    const res = await get(`/cards/all?appid=${appid}`)
    expect(res.status).toBe(403)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=miss; fwd-status=403')
    const problem = await res.json() as Problem
    expect(problem).toMatchObject({ type: '/problems/upstream-no-auth', status: 403, code: 'NO_AUTH', request_id: expect.any(String) })
    expect(problem.detail).toBe('page 1 (offset=1, limit=20 of 3 pages) failed: 商户暂无权限使用此功能')
    expect(problem).not.toHaveProperty('data')
    expect(offsets()).toEqual([1])
  })

  it('a page whose retries run out (three 500s) fails the call as a 502 naming it', async () => {
    const appid = await cachedExceptPage1()
    const systemError = { kind: 'error' as const, status: 500, code: 'SYSTEM_ERROR', message: '系统繁忙' }
    fake.simulator.enqueue(systemError, systemError, systemError)
    const res = await get(`/cards/all?appid=${appid}`)
    expect(res.status).toBe(502)
    expect(await res.json()).toMatchObject({
      type: '/problems/upstream-system-error', code: 'SYSTEM_ERROR', detail: 'page 1 (offset=1, limit=20 of 3 pages) failed: 系统繁忙'
    })
    expect(offsets()).toEqual([1, 1, 1])
    const warning = service.logs.find((line) => line.wechat_code === 'SYSTEM_ERROR' && String(line.msg).startsWith('page 1'))
    expect(warning).toMatchObject({ level: 40, upstream_status: 500, problem: '/problems/upstream-system-error' })
  })

  it('a failing page 0 fails the call before any other page', async () => {
    const appid = uniqueAppid()
    fake.simulator.setCards(appid, cardsOf(47))
    fake.simulator.enqueue({ kind: 'error', status: 400, code: 'PARAM_ERROR', message: 'AppID有误' })
    const res = await get(`/cards/all?appid=${appid}`)
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({
      type: '/problems/upstream-param-error',
      code: 'PARAM_ERROR',
      detail: 'page 0 (offset=0, limit=20) failed: AppID有误'
    })
    expect(offsets()).toEqual([0])
  })
})

describe('GET /cards/all when the list changes during the walk', () => {
  it('a page disagreeing with page 0 restarts the walk once, re-reading every page from WeChat Pay', async () => {
    const appid = uniqueAppid()
    let reads = 0
    // Page 0 sees 47 cards; every later read sees 48.
    lists.set(appid, () => cardsOf(++reads === 1 ? 47 : 48))
    const res = await get(`/cards/all?appid=${appid}`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ data: cardsOf(48), total_count: 48 })
    // The first walk (0, then 1 and 2 together), then every page again past the cache. The
    // second read of page 2 may join the first if that is still in flight: both began after the change.
    const count = (offset: number): number => offsets().filter((o) => o === offset).length
    expect([count(0), count(1)]).toEqual([2, 2])
    expect(count(2)).toBeGreaterThanOrEqual(1)
    expect(res.headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=miss; detail=pages-0/3-hit')
    expect(service.logs.find((line) => line.msg === 'cards/all: a page disagreed with page 0; reading every page again'))
      .toMatchObject({ level: 40, appid, reason: expect.stringMatching(/total_count 48 where page 0 said 47/) })
  })

  it('a list that keeps changing fails with a 503 problem after one restart, never a partial list', async () => {
    const appid = uniqueAppid()
    let reads = 0
    lists.set(appid, () => cardsOf(30 + ++reads))
    const res = await get(`/cards/all?appid=${appid}`)
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(res.headers.get('cache-control')).toBe('no-store')
    const problem = await res.json() as Problem
    expect(problem).toMatchObject({
      type: '/problems/cards-changed-during-walk',
      status: 503,
      title: 'The card list changed while it was being read'
    })
    expect(problem.detail).toMatch(/page 1 says total_count \d+ where page 0 said \d+/)
    expect(offsets()).toEqual([0, 1, 0, 1])
  })
})
