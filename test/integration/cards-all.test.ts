import { describe, expect, it } from 'vitest'
import type { FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { useService } from '../helpers/suite.js'
import { SHARED_REDIS } from '../helpers/redis-server.js'
import { uniqueAppid } from '../helpers/unique.js'

let fake: FakeWechatpay
let service: TestApp

useService({ config: { redis: { settings: SHARED_REDIS } } }, (f, s) => { fake = f; service = s })

const cardsOf = (n: number): Array<Record<string, unknown>> =>
  Array.from({ length: n }, (_, i) => ({ card_id: `card-${i}`, title: `会员卡 ${i}`, remain_quantity: i }))
const get = async (path: string, headers: Record<string, string> = {}): Promise<Response> =>
  await fetch(`${service.url}${path}`, { headers })
const upstreamPages = (): string[] => fake.simulator.calls.map((call) => new URL(call.url, 'http://x').searchParams.toString())

describe('GET /cards/all', () => {
  it.each([0, 1, 20, 21, 47])('%i cards: all of them, in WeChat Pay\'s order, from pages of 20', async (n) => {
    const appid = uniqueAppid()
    const cards = cardsOf(n)
    fake.simulator.setCards(appid, cards)
    const res = await get(`/cards/all?appid=${appid}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    // Each card exactly as the simulator serialized it.
    expect(await res.text()).toBe(`{"data":[${cards.map((c) => JSON.stringify(c)).join(',')}],"total_count":${n}}`)
    const pages = Math.max(1, Math.ceil(n / 20))
    expect(upstreamPages()).toEqual(Array.from({ length: pages }, (_, i) => `appid=${appid}&offset=${i}&limit=20`))
    expect(fake.simulator.calls.every((call) => call.authorization.ok)).toBe(true)
    expect(res.headers.get('cache-status')).toBe(`wxpay-cards-bff; fwd=miss; detail=pages-0/${pages}-hit`)
  })

  it('passes each card through byte for byte: spacing, escapes, non-ASCII and unknown fields', async () => {
    const card = '{ "card_id" : "pbLatjvWOibDc5-TBnbUk1pD12o0", "title":"微信支付测试卡 <b>&amp;</b> \\u003c","future_field":{"x":[1,2.50,true]} }'
    fake.simulator.enqueue({
      kind: 'raw',
      status: 200,
      body: `{ "data" : [ ${card} ],\n "need_dynamic_code":false,"total_count":1,"offset":0,"limit":20,"added_later":"🙂"}`
    })
    const res = await get(`/cards/all?appid=${uniqueAppid()}`)
    expect(res.status).toBe(200)
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(`{"data":[${card}],"total_count":1}`))).toBe(true)
  })

  it('forwards brand_id to every page', async () => {
    const appid = uniqueAppid()
    fake.simulator.setCards(appid, cardsOf(25))
    const res = await get(`/cards/all?brand_id=1001622624&appid=${appid}`)
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(25)
    expect(upstreamPages()).toEqual([0, 1].map((i) => `brand_id=1001622624&appid=${appid}&offset=${i}&limit=20`))
  })

  it('shares pages with /cards: Cache-Status counts the pages that were hits, and is a hit when all were', async () => {
    const appid = uniqueAppid()
    fake.simulator.setCards(appid, cardsOf(47))
    await get(`/cards?appid=${appid}&offset=0&limit=20`)
    const first = await get(`/cards/all?appid=${appid}`)
    expect(first.headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=miss; detail=pages-1/3-hit')
    expect(fake.simulator.calls).toHaveLength(3)

    const second = await get(`/cards/all?appid=${appid}`)
    expect(second.headers.get('cache-status')).toMatch(/^wxpay-cards-bff; hit; ttl=(60|59)$/)
    expect(second.headers.get('cache-control')).toMatch(/^private, max-age=(60|59)$/)
    expect(second.headers.get('age')).toMatch(/^[01]$/)
    expect(await second.text()).toBe(await first.text())
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'))
    expect(fake.simulator.calls).toHaveLength(3)
  })

  it('answers If-None-Match with 304 when the combined list is unchanged', async () => {
    const appid = uniqueAppid()
    fake.simulator.setCards(appid, cardsOf(21))
    const first = await get(`/cards/all?appid=${appid}`)
    const etag = first.headers.get('etag') as string
    // fetch takes gzip: the compressed representation's ETag.
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}-gzip"$/)
    const again = await get(`/cards/all?appid=${appid}`, { 'if-none-match': `W/${etag}` })
    expect(again.status).toBe(304)
    expect(again.headers.get('etag')).toBe(etag)
    expect(await again.text()).toBe('')

    fake.simulator.setCards(appid, cardsOf(22))
    const changed = await get(`/cards/all?appid=${appid}`, { 'if-none-match': etag, 'cache-control': 'no-cache' })
    expect(changed.status).toBe(200)
    expect(changed.headers.get('etag')).not.toBe(etag)
  })

  it('Cache-Control: no-cache refreshes every page', async () => {
    const appid = uniqueAppid()
    fake.simulator.setCards(appid, cardsOf(47))
    await get(`/cards/all?appid=${appid}`)
    fake.simulator.setCards(appid, cardsOf(48))
    const cached = await get(`/cards/all?appid=${appid}`)
    expect(((await cached.json()) as { total_count: number }).total_count).toBe(47)
    const fresh = await get(`/cards/all?appid=${appid}`, { 'cache-control': 'no-cache' })
    expect(fresh.headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=request; detail=pages-0/3-hit')
    expect(((await fresh.json()) as { total_count: number }).total_count).toBe(48)
    expect(fake.simulator.calls).toHaveLength(6)
    // Everyone gets the refreshed pages afterwards.
    expect((await get(`/cards?appid=${appid}&offset=2&limit=20`)).headers.get('cache-status')).toMatch(/; hit; /)
  })

  it.each([
    ['appid is missing', '/cards/all', 'appid'],
    ['an unknown parameter', '/cards/all?appid=wx1&offset=0', 'offset'],
    ['a repeated parameter', '/cards/all?appid=wx1&appid=wx2', 'appid'],
    ['a malformed brand_id', '/cards/all?appid=wx1&brand_id=a%20b', 'brand_id']
  ])('%s is a 400 invalid-request problem and no call', async (_label, path, name) => {
    const res = await get(path)
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const problem = await res.json() as { type: string, invalid_params: Array<{ name: string }> }
    expect(problem.type).toBe('/problems/invalid-request')
    expect(problem.invalid_params.map((p) => p.name)).toContain(name)
    expect(fake.simulator.calls).toHaveLength(0)
  })

  it('is in the OpenAPI document with its query, body and problems', async () => {
    const doc = await (await get('/docs/json')).json() as { paths: Record<string, { get: any }>, components: { schemas: any } }
    const route = doc.paths['/cards/all']?.get
    const query = route.parameters.filter((p: { in: string }) => p.in === 'query')
    expect(query.map((p: { name: string }) => p.name).sort()).toEqual(['appid', 'brand_id'])
    expect(route.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CardsAll' })
    expect(doc.components.schemas.CardsAll.properties.total_count.type).toBe('integer')
    for (const status of ['400', '403', '422', '429', '502', '503', '504']) {
      expect(route.responses[status].content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' })
    }
  })
})

describe('GET /cards/all behind INTERNAL_API_TOKENS', () => {
  it('needs the bearer token like /cards', async () => {
    const token = 'a'.repeat(24)
    const guarded = await startTestApp(fake, { protection: { apiTokens: [token] } })
    try {
      const appid = uniqueAppid()
      expect((await fetch(`${guarded.url}/cards/all?appid=${appid}`)).status).toBe(401)
      expect(fake.simulator.calls).toHaveLength(0)
      expect((await fetch(`${guarded.url}/cards/all?appid=${appid}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
    } finally {
      await guarded.close()
    }
  })
})
