import { describe, expect, it } from 'vitest'
import type { FakeWechatpay } from '../helpers/fake-wechatpay.js'
import type { TestApp } from '../helpers/app.js'
import { useService } from '../helpers/suite.js'

let fake: FakeWechatpay
let service: TestApp

useService({}, (f, s) => { fake = f; service = s })

interface Problem {
  type: string
  title: string
  status: number
  detail: string
  instance: string
  invalid_params: Array<{ name: string, in: string, reason: string }>
}

async function badRequest (query: string): Promise<Problem> {
  const res = await fetch(`${service.url}/cards${query}`)
  expect(res.status).toBe(400)
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
  const problem = await res.json() as Problem
  expect(problem.instance).toBe(`urn:request:${res.headers.get('x-request-id') ?? 'missing'}`)
  return problem
}

describe('GET /cards input validation', () => {
  it('lists every bad field in one problem and makes no upstream call', async () => {
    const problem = await badRequest('?appid=wx-bad!&offset=-1&limit=21&brand_id=12345678901234567')
    expect(problem).toMatchObject({ type: '/problems/invalid-request', status: 400 })
    expect(problem.invalid_params.map((p) => p.name).sort()).toEqual(['appid', 'brand_id', 'limit', 'offset'])
    for (const param of problem.invalid_params) expect(param.in).toBe('query')
    expect(problem.detail).toContain('limit')
    expect(fake.simulator.calls).toHaveLength(0)
  })

  it('names every missing required parameter', async () => {
    const problem = await badRequest('')
    expect(problem.invalid_params).toEqual(expect.arrayContaining([
      { name: 'appid', in: 'query', reason: 'is required' },
      { name: 'offset', in: 'query', reason: 'is required' },
      { name: 'limit', in: 'query', reason: 'is required' }
    ]))
    expect(fake.simulator.calls).toHaveLength(0)
  })

  it.each([
    ['an empty value, which is not 0', '?appid=wx1&offset=&limit=1', 'offset'],
    ['a fraction', '?appid=wx1&offset=0&limit=1.5', 'limit'],
    ['a word', '?appid=wx1&offset=zero&limit=1', 'offset'],
    ['limit 0', '?appid=wx1&offset=0&limit=0', 'limit'],
    ['a repeated parameter', '?appid=wx1&offset=0&limit=1&limit=2', 'limit'],
    ['a 33-character appid', `?appid=${'a'.repeat(33)}&offset=0&limit=1`, 'appid'],
    ['an appid with a space', '?appid=wx%201&offset=0&limit=1', 'appid'],
    ['a brand_id with a control character', '?appid=wx1&offset=0&limit=1&brand_id=a%00b', 'brand_id'],
    ['an offset past nine digits', '?appid=wx1&offset=1000000000&limit=1', 'offset'],
    ['a hexadecimal number', '?appid=wx1&offset=0x10&limit=1', 'offset'],
    ['an exponent', '?appid=wx1&offset=1e3&limit=1', 'offset'],
    ['a number with a leading space', '?appid=wx1&offset=0&limit=%201', 'limit'],
    ['a brand_id with an emoji', '?appid=wx1&offset=0&limit=1&brand_id=%F0%9F%98%80', 'brand_id']
  ])('refuses %s', async (_label, query, field) => {
    const problem = await badRequest(query)
    expect(problem.invalid_params.map((p) => p.name)).toContain(field)
    expect(fake.simulator.calls).toHaveLength(0)
  })

  it('names unknown parameters instead of dropping them', async () => {
    const problem = await badRequest('?appid=wx1&offset=0&limit=1&brandid=1001622624&__proto__=x')
    expect(problem.invalid_params).toEqual(expect.arrayContaining([
      { name: 'brandid', in: 'query', reason: 'is not a known parameter' },
      { name: '__proto__', in: 'query', reason: 'is not a known parameter' }
    ]))
    expect(fake.simulator.calls).toHaveLength(0)
  })

  it('says why a repeated parameter or a non-decimal number is refused', async () => {
    const problem = await badRequest('?appid=wx1&appid=wx2&offset=0x10&limit=5')
    expect(problem.invalid_params).toEqual(expect.arrayContaining([
      { name: 'appid', in: 'query', reason: 'is given more than once; give it once' },
      { name: 'offset', in: 'query', reason: 'must be a whole number written in decimal digits' }
    ]))
  })

  it('answers a malformed URL with a problem too', async () => {
    const res = await fetch(`${service.url}/cards%`)
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(fake.simulator.calls).toHaveLength(0)
  })

  it('accepts the edges of every range', async () => {
    const appid = 'A_' + '9'.repeat(30)
    const res = await fetch(`${service.url}/cards?appid=${appid}&offset=999999999&limit=20&brand_id=${'b'.repeat(15)}-`)
    expect(res.status).toBe(200)
    expect(fake.simulator.calls).toHaveLength(1)
  })

  it('treats an empty optional brand_id as absent', async () => {
    const res = await fetch(`${service.url}/cards?appid=wx1&offset=0&limit=1&brand_id=`)
    expect(res.status).toBe(200)
    expect(fake.simulator.calls[0]?.url).toBe('/v3/marketing/membercard-open/cards?appid=wx1&offset=0&limit=1')
  })
})
