import { describe, expect, it } from 'vitest'
import type { Fault } from '../../src/sandbox/simulator.js'
import type { FakeWechatpay } from '../helpers/fake-wechatpay.js'
import type { TestApp } from '../helpers/app.js'
import { useService } from '../helpers/suite.js'
import { uniqueAppid } from '../helpers/unique.js'

let fake: FakeWechatpay
let service: TestApp

useService({}, (f, s) => { fake = f; service = s })

describe('GET /cards refuses answers it cannot trust', () => {
  it.each<[string, Fault, string]>([
    ['a tampered body', { kind: 'tamper' }, 'bad-signature'],
    ['a WECHATPAY/SIGNTEST/ probe', { kind: 'probe' }, 'signature-probe'],
    ['an unsigned 200', { kind: 'unsigned' }, 'missing-headers'],
    ['a missing Wechatpay-Nonce', { kind: 'omit-header', header: 'Wechatpay-Nonce' }, 'missing-headers'],
    ['a timestamp 6 minutes old', { kind: 'skew', seconds: -360 }, 'timestamp-skew'],
    ['a timestamp 6 minutes ahead', { kind: 'skew', seconds: 360 }, 'timestamp-skew'],
    ['an unknown serial', { kind: 'serial', serial: '5157F09EFDC096DE15EBE81A47057A72' }, 'unknown-serial'],
    ['a signature that is not base64', { kind: 'signature', value: '!!not*base64!!' }, 'malformed-signature']
  ])('%s → 502 upstream-signature-invalid, body never served', async (_label, fault, reason) => {
    // Twice: a probe earns exactly one retry, which must meet a second probe to fail.
    fake.simulator.enqueue(fault, fault)
    const res = await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=3`)
    expect(res.status).toBe(502)
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    const text = await res.text()
    const problem = JSON.parse(text) as Record<string, unknown>
    expect(problem).toMatchObject({ type: '/problems/upstream-signature-invalid', status: 502 })
    expect(typeof problem.request_id).toBe('string')
    // Not one card of the refused page reaches the caller.
    expect(text).not.toContain('card_id')
    const warning = service.logs.find((l) => l.verification === reason)
    expect(warning?.level).toBe(40)
  })

  it('refuses a verified 2xx that is not JSON', async () => {
    fake.simulator.enqueue({ kind: 'raw', status: 200, body: '<html>maintenance</html>', contentType: 'text/html' })
    const res = await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=3`)
    expect(res.status).toBe(502)
    expect(await res.json()).toMatchObject({ type: '/problems/upstream-bad-response', detail: 'the body is not JSON' })
  })

  it.each([
    ['data is not an array', '{"data":{},"total_count":0,"offset":0,"limit":3}'],
    ['total_count is a string', '{"data":[],"total_count":"0","offset":0,"limit":3}'],
    ['the body is an array', '[]']
  ])('refuses a verified JSON page whose %s', async (_label, body) => {
    fake.simulator.enqueue({ kind: 'raw', status: 200, body })
    const res = await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=3`)
    expect(res.status).toBe(502)
    expect(await res.json()).toMatchObject({ type: '/problems/upstream-bad-response' })
  })

  it('serves the next, correctly signed answer after a refusal', async () => {
    const appid = uniqueAppid()
    fake.simulator.enqueue({ kind: 'tamper' })
    expect((await fetch(`${service.url}/cards?appid=${appid}&offset=0&limit=3`)).status).toBe(502)
    expect((await fetch(`${service.url}/cards?appid=${appid}&offset=0&limit=3`)).status).toBe(200)
  })
})
