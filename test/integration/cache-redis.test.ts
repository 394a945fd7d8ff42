import { request } from 'undici'
import { beforeEach, describe, expect, it } from 'vitest'
import type { FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { ADMIN, type TestApp } from '../helpers/app.js'
import { useService } from '../helpers/suite.js'
import { SHARED_REDIS } from '../helpers/redis-server.js'
import { uniqueAppid } from '../helpers/unique.js'

// One clock for the service and the simulator, so a test can move time past TTLs without the
// simulator calling our signatures stale.
const clock = { now: Date.now() }
const now = (): number => clock.now
let fake: FakeWechatpay
let service: TestApp

useService({
  simulator: { now },
  config: { cache: { ttlSeconds: 60, staleSeconds: 300 }, redis: { settings: SHARED_REDIS } },
  overrides: { now },
  resetEach: false
}, (f, s) => { fake = f; service = s })
beforeEach(() => {
  fake.simulator.reset()
  clock.now = Date.now()
})

const get = async (path: string, headers: Record<string, string> = {}): Promise<Response> =>
  await fetch(`${service.url}${path}`, { headers })
const settle = async (): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, 100)) }

describe('the Redis page cache', () => {
  it('a miss stores the verified bytes; a hit sends the same bytes with Age, ETag and max-age, without a call', async () => {
    const path = `/cards?appid=${uniqueAppid()}&offset=0&limit=5`
    const miss = await get(path)
    const missBody = await miss.text()
    expect(miss.headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=miss; stored')
    // fetch takes gzip: the compressed representation's ETag.
    expect(miss.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{32}-gzip"$/)
    clock.now += 18_000
    const hit = await get(path)
    expect(hit.status).toBe(200)
    expect(await hit.text()).toBe(missBody)
    expect(hit.headers.get('cache-status')).toBe('wxpay-cards-bff; hit; ttl=42')
    expect(hit.headers.get('age')).toBe('18')
    expect(hit.headers.get('cache-control')).toBe('private, max-age=42')
    expect(hit.headers.get('etag')).toBe(miss.headers.get('etag'))
    expect(hit.headers.get('x-wechatpay-request-id')).toBe(miss.headers.get('x-wechatpay-request-id'))
    expect(fake.simulator.calls).toHaveLength(1)
    expect(service.logs.filter((l) => l.url === path).map((l) => l.cache)).toEqual(['miss', 'hit'])
  })

  it('two spellings of one query share one entry', async () => {
    const appid = uniqueAppid()
    await get(`/cards?appid=${appid}&offset=0&limit=5`)
    const other = await get(`/cards?limit=5&offset=00&appid=${appid}&brand_id=`)
    expect(other.headers.get('cache-status')).toMatch(/; hit; /)
    expect(fake.simulator.calls).toHaveLength(1)
  })

  it('past the TTL a stale page is served at once while one refresh runs; past TTL + stale it is gone', async () => {
    const path = `/cards?appid=${uniqueAppid()}&offset=0&limit=5`
    await get(path)
    clock.now += 72_000
    const stale = await get(path)
    expect(stale.headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=stale; ttl=-12')
    expect(stale.headers.get('cache-control')).toBe('private, max-age=0')
    await settle()
    expect(fake.simulator.calls).toHaveLength(2)
    expect((await get(path)).headers.get('cache-status')).toMatch(/; hit; ttl=(60|59)$/)

    clock.now += 361_000
    expect((await get(path)).headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=miss; stored')
    expect(fake.simulator.calls).toHaveLength(3)
  })

  it('stale-if-error: WeChat Pay failing, slow or over quota gets the stored page', async () => {
    const path = `/cards?appid=${uniqueAppid()}&offset=0&limit=5`
    const first = await (await get(path)).text()
    clock.now += 90_000
    fake.simulator.enqueue({ kind: 'error', status: 429, code: 'FREQUENCY_LIMITED', message: '频率超限' })
    const res = await get(path, { 'cache-control': 'no-cache' })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe(first)
    expect(res.headers.get('cache-status')).toBe('wxpay-cards-bff; hit; ttl=-30; detail=stale-if-error')
  })

  it('errors are never cached', async () => {
    const path = `/cards?appid=${uniqueAppid()}&offset=0&limit=5`
    const fault = { kind: 'error' as const, status: 500, code: 'SYSTEM_ERROR', message: '系统繁忙' }
    fake.simulator.enqueue(fault, fault, fault)
    const failed = await get(path)
    expect(failed.status).toBe(502)
    expect(failed.headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=miss; fwd-status=500')
    expect(failed.headers.get('cache-control')).toBe('no-store')
    fake.simulator.enqueue({ kind: 'tamper' })
    expect((await get(path)).status).toBe(502)
    expect((await get(path)).headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=miss; stored')
    expect(fake.simulator.calls).toHaveLength(5)
  })

  it('Cache-Control: no-cache forces a fetch and refreshes the entry', async () => {
    const path = `/cards?appid=${uniqueAppid()}&offset=0&limit=5`
    const first = await get(path)
    // A forced fetch takes only a page stored after it began; on a frozen clock the first page would count.
    clock.now += 1
    const forced = await get(path, { 'cache-control': 'no-cache' })
    expect(forced.headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=request; stored')
    expect(forced.headers.get('x-wechatpay-request-id')).not.toBe(first.headers.get('x-wechatpay-request-id'))
    const after = await get(path)
    expect(after.headers.get('cache-status')).toMatch(/; hit; /)
    expect(after.headers.get('x-wechatpay-request-id')).toBe(forced.headers.get('x-wechatpay-request-id'))
    expect(fake.simulator.calls).toHaveLength(2)
  })

  it('If-None-Match with the current ETag gets a 304 without a body', async () => {
    const path = `/cards?appid=${uniqueAppid()}&offset=0&limit=5`
    await get(path)
    // undici's request, not fetch: fetch adds Cache-Control: no-cache to conditional requests, and
    // asks for gzip, which is another representation with an ETag of its own.
    const etag = (await request(`${service.url}${path}`)).headers.etag as string
    const notModified = await request(`${service.url}${path}`, { headers: { 'if-none-match': etag } })
    expect(notModified.statusCode).toBe(304)
    expect(await notModified.body.text()).toBe('')
    expect(notModified.headers.etag).toBe(etag)
    expect(notModified.headers['cache-status']).toMatch(/; hit; /)
    const changed = await request(`${service.url}${path}`, { headers: { 'if-none-match': '"something-else"' } })
    expect(changed.statusCode).toBe(200)
    await changed.body.dump()
    expect(fake.simulator.calls).toHaveLength(1)
  })

  it('DELETE /cards/cache drops every page of the appid, on the next request, and answers 204', async () => {
    const appid = uniqueAppid()
    const paths = [
      `/cards?appid=${appid}&offset=0&limit=5`,
      `/cards?appid=${appid}&offset=1&limit=5`,
      `/cards?appid=${appid}&offset=0&limit=5&brand_id=1001622624`
    ]
    for (const path of paths) await get(path)
    const other = `/cards?appid=${uniqueAppid()}&offset=0&limit=5`
    await get(other)
    const purge = await fetch(`${service.url}/cards/cache?appid=${appid}`, { method: 'DELETE', headers: ADMIN })
    expect(purge.status).toBe(204)
    for (const path of paths) expect((await get(path)).headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=miss; stored')
    expect((await get(other)).headers.get('cache-status')).toMatch(/; hit; /)
    expect(fake.simulator.calls).toHaveLength(7)
  })

  it('a page whose fetch began before a purge is stored, yet not served after the purge', async () => {
    const appid = uniqueAppid()
    const path = `/cards?appid=${appid}&offset=0&limit=5`
    await get(path)
    clock.now += 1_000
    fake.simulator.enqueue({ kind: 'delay', ms: 300 })
    const refreshing = get(path, { 'cache-control': 'no-cache' })
    await expect.poll(() => fake.simulator.calls.length).toBe(2)
    const purge = await fetch(`${service.url}/cards/cache?appid=${appid}`, { method: 'DELETE', headers: ADMIN })
    expect(purge.status).toBe(204)
    const refreshed = await refreshing
    expect(refreshed.headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=request; stored')
    // Stamped with the generation read before its fetch, so the purge drops it too: neither
    // Redis nor this replica's in-process copy answers with it.
    expect((await get(path)).headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=miss; stored')
    expect(fake.simulator.calls).toHaveLength(3)
  })

  it('DELETE /cards/cache with brand_id drops that brand\'s pages and the unfiltered ones only', async () => {
    const appid = uniqueAppid()
    const [all, mine, theirs] = ['', '&brand_id=1001622624', '&brand_id=1001622625']
      .map((b) => `/cards?appid=${appid}&offset=0&limit=5${b}`)
    for (const path of [all, mine, theirs]) await get(path as string)
    expect((await fetch(`${service.url}/cards/cache?appid=${appid}&brand_id=1001622624`, {
      method: 'DELETE', headers: ADMIN
    })).status).toBe(204)
    expect((await get(all as string)).headers.get('cache-status')).toMatch(/fwd=miss/)
    expect((await get(mine as string)).headers.get('cache-status')).toMatch(/fwd=miss/)
    expect((await get(theirs as string)).headers.get('cache-status')).toMatch(/; hit; /)
  })

  it('DELETE /cards/cache validates its input like /cards', async () => {
    const res = await fetch(`${service.url}/cards/cache?brand_id=x`, { method: 'DELETE', headers: ADMIN })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ invalid_params: [{ name: 'appid', in: 'query', reason: 'is required with brand_id' }] })
  })

  it('every /cards response carries Cache-Status, invalid requests included', async () => {
    const res = await get('/cards?appid=wx1')
    expect(res.status).toBe(400)
    expect(res.headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=bypass')
  })
})
