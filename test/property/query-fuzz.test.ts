import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { FakeWechatpay } from '../helpers/fake-wechatpay.js'
import type { TestApp } from '../helpers/app.js'
import { useService } from '../helpers/suite.js'

let fake: FakeWechatpay
let service: TestApp

useService({ config: { cache: { ttlSeconds: 1 } }, resetEach: false }, (f, s) => { fake = f; service = s })

// Names a caller might send: the real ones, near misses, and prototype-pollution bait.
const name = fc.oneof(
  fc.constantFrom('appid', 'offset', 'limit', 'brand_id', 'brandid', '__proto__', 'constructor', 'prototype', 'toString', ''),
  fc.string({ maxLength: 12 })
)
// Values: plausible ones, numbers in odd notations, and text no caller should send.
const value = fc.oneof(
  fc.constantFrom('wx1', 'wxea9c30890f48d5ae', '0', '1', '20', '21', '-1', '1e3', '0x10', '1.5', '99999999999999999999999', 'NaN',
    'Infinity', '\u0000', '%00', '%', '%E4%B8', '😀', '<script>', '{}', '[]', 'null', ' 1', '1 '),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer().map(String)
)
const query = fc.array(fc.tuple(name, value, fc.boolean()), { maxLength: 8 })
  .map((pairs) => pairs
    .map(([k, v, raw]) => `${encodeURIComponent(k)}=${raw ? v.replace(/[&#\s]/g, '') : encodeURIComponent(v)}`)
    .join('&'))

describe('whatever the query, /cards answers sanely', () => {
  it('never a 5xx, every refusal a problem, and a refused request never calls WeChat Pay', async () => {
    await fc.assert(fc.asyncProperty(query, async (q) => {
      const before = fake.simulator.calls.length
      const res = await service.app.inject({ method: 'GET', url: `/cards?${q}` })
      expect(res.statusCode).toBeLessThan(500)
      if (res.statusCode >= 400) {
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
        const problem = res.json<{ type: string, status: number }>()
        expect(problem.status).toBe(res.statusCode)
        expect(problem.type).toMatch(/^\/problems\/|^about:blank$/)
        expect(fake.simulator.calls.length).toBe(before)
      } else {
        expect(res.statusCode).toBe(200)
        // Only a query valid by every rule reached WeChat Pay, and the simulator accepted it.
        expect(fake.simulator.calls.length).toBeLessThanOrEqual(before + 1)
      }
    }), { numRuns: 300 })
  }, 60_000)

  it('the prototype of plain objects is never polluted', async () => {
    await service.app.inject({ url: '/cards?__proto__[polluted]=1&constructor[prototype][polluted]=1&appid=wx1&offset=0&limit=1' })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
