import { describe, expect, it } from 'vitest'
import type { FakeWechatpay } from '../helpers/fake-wechatpay.js'
import type { TestApp } from '../helpers/app.js'
import { useService } from '../helpers/suite.js'
import { uniqueAppid } from '../helpers/unique.js'

let fake: FakeWechatpay
let service: TestApp

useService({}, (f, s) => { fake = f; service = s })

describe('GET /cards pass-through', () => {
  it('sends one signed, verified request and returns the page', async () => {
    const res = await fetch(`${service.url}/cards?appid=wxea9c30890f48d5ae&offset=0&limit=5`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    const page = await res.json() as { data: unknown[], total_count: number, offset: number, limit: number }
    expect(page.data).toHaveLength(5)
    expect(page.total_count).toBe(23)

    expect(fake.simulator.calls).toHaveLength(1)
    const call = fake.simulator.calls[0]
    expect(call?.authorization.ok).toBe(true)
    expect(call?.url).toBe('/v3/marketing/membercard-open/cards?appid=wxea9c30890f48d5ae&offset=0&limit=5')
    expect(call?.headers.accept).toBe('application/json')
    expect(call?.headers['user-agent']).toMatch(/^wxpay-cards-bff\/\d+\.\d+\.\d+ \(.+\) node\/\d+\.\d+\.\d+$/)
    expect(call?.headers['wechatpay-serial']).toBe(fake.credentials.publicKeyId)
  })

  it('passes the exact bytes through: spacing, unknown fields, non-ASCII and HTML-like text', async () => {
    const body = '{ "data" : [ {"card_id":"pbLatjvWOibDc5-TBnbUk1pD12o0",' +
      '"title":"微信支付测试卡 <b>&amp;</b> \\u003c","future_field":{"x":[1,2.50,true]}} ],\n' +
      '  "need_dynamic_code":false,"total_count":1,"offset":0,"limit":1,"added_later":"🙂"}'
    fake.simulator.enqueue({ kind: 'raw', status: 200, body, contentType: 'application/json; charset=utf-8' })
    const res = await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=1`)
    expect(res.status).toBe(200)
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(body))).toBe(true)
  })

  it('treats offset as a page index and forwards brand_id', async () => {
    const cards = Array.from({ length: 12 }, (_, i) => ({ card_id: `card-${i}`, title: `卡 ${i}` }))
    fake.simulator.setCards('wxpaged', cards)
    const res = await fetch(`${service.url}/cards?limit=5&offset=1&appid=wxpaged&brand_id=1001622624`)
    const page = await res.json() as { data: Array<{ card_id: string }>, total_count: number }
    expect(page.data.map((c) => c.card_id)).toEqual(['card-5', 'card-6', 'card-7', 'card-8', 'card-9'])
    expect(page.total_count).toBe(12)
    expect(fake.simulator.calls[0]?.url).toBe('/v3/marketing/membercard-open/cards?brand_id=1001622624&appid=wxpaged&offset=1&limit=5')
  })

  it('signs a new nonce and timestamp for every call', async () => {
    await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=1`)
    await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=1`)
    const [first, second] = fake.simulator.calls
    expect(first?.authorization.ok && second?.authorization.ok).toBe(true)
    expect(first?.authorization.nonce).toMatch(/^[0-9A-Za-z]{32}$/)
    expect(first?.authorization.nonce).not.toBe(second?.authorization.nonce)
  })

  it('hands WeChat Pay\'s Request-ID to the caller and to the access log', async () => {
    const res = await fetch(`${service.url}/cards?appid=wx1&offset=0&limit=1`, { headers: { 'x-request-id': 'trace-abc-123' } })
    const wechatId = res.headers.get('x-wechatpay-request-id')
    expect(wechatId).toMatch(/^[0-9A-F]+-\d+$/)
    expect(res.headers.get('x-request-id')).toBe('trace-abc-123')
    const access = service.logs.filter((l) => l.reqId === 'trace-abc-123' && l.msg === 'request completed')
    expect(access).toHaveLength(1)
    expect(access[0]).toMatchObject({
      method: 'GET',
      url: '/cards?appid=wx1&offset=0&limit=1',
      status: 200,
      cache: 'miss',
      wechat_request_id: wechatId
    })
    expect(access[0]?.upstream_ms).toEqual(expect.any(Number))
    // The access line skips pino's wildcard redaction (access-log.ts): it must stay flat, and only these,
    // with the trace's ids when tracing is on (tracing-export.test.ts checks those).
    const keys = Object.keys(access[0] ?? {})
    expect(keys.filter((key) => key !== 'trace_id' && key !== 'span_id').sort()).toEqual([
      'cache', 'caller', 'duration_ms', 'hostname', 'level', 'method', 'msg', 'pid',
      'reqId', 'status', 'time', 'upstream_ms', 'url', 'wechat_request_id'
    ])
    expect(Object.values(access[0] ?? {}).every((value) => typeof value !== 'object')).toBe(true)
    // A hit spends nothing on WeChat Pay, and its line says so by leaving upstream_ms out.
    await fetch(`${service.url}/cards?appid=wx1&offset=0&limit=1`, { headers: { 'x-request-id': 'trace-abc-124' } })
    const hit = service.logs.find((l) => l.reqId === 'trace-abc-124' && l.msg === 'request completed')
    expect(hit).toMatchObject({ cache: 'hit', status: 200 })
    expect(hit?.upstream_ms).toBeUndefined()
    expect(typeof access[0]?.duration_ms).toBe('number')
    // One line per request: Fastify's own "incoming request" line is replaced, not added to.
    expect(service.logs.filter((l) => l.reqId === 'trace-abc-123')).toHaveLength(1)
  })
})
