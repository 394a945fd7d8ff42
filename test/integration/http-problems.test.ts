import { describe, expect, it } from 'vitest'
import type { FakeWechatpay } from '../helpers/fake-wechatpay.js'
import type { TestApp } from '../helpers/app.js'
import { useService } from '../helpers/suite.js'

let fake: FakeWechatpay
let service: TestApp

useService({ resetEach: false }, (f, s) => { fake = f; service = s })

describe('the service\'s own errors are problems too', () => {
  it('an unknown route → 404 problem', async () => {
    const res = await fetch(`${service.url}/nope?x=1`)
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(await res.json()).toMatchObject({ type: '/problems/not-found', status: 404, detail: 'There is no route GET /nope' })
  })

  it('a known route with the wrong method → 405 problem with Allow', async () => {
    const res = await fetch(`${service.url}/cards?appid=wx1&offset=0&limit=1`, { method: 'DELETE' })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET, HEAD')
    expect(await res.json()).toMatchObject({ type: '/problems/method-not-allowed', status: 405 })
    expect(fake.simulator.calls).toHaveLength(0)
  })

  it('matches a path against route patterns, parameters included, the way CORS does: a wrong method there is a 405 too', async () => {
    for (const path of ['/problems/upstream-timeout', '/cards/pSomeTemplateId']) {
      const res = await fetch(`${service.url}${path}`, { method: 'DELETE' })
      expect(res.status, path).toBe(405)
      expect(res.headers.get('allow')).toBe('GET, HEAD')
    }
    expect((await fetch(`${service.url}/problems/a/b`, { method: 'DELETE' })).status).toBe(404)
  })

  it('the problem instance is the request id the response header gives, and so is every log line\'s reqId', async () => {
    const res = await fetch(`${service.url}/nope`)
    const id = res.headers.get('x-request-id')
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    const problem = await res.json() as Record<string, unknown>
    expect(problem.instance).toBe(`urn:request:${id ?? ''}`)
    expect(problem).not.toHaveProperty('trace_id')
    expect(service.logs.filter((line) => line.reqId === id).map((line) => line.msg)).toContain('request completed')
  })

  it('a well-formed caller X-Request-Id is kept; a malformed one is replaced', async () => {
    const kept = await fetch(`${service.url}/nope`, { headers: { 'x-request-id': 'edge-1.2:abc_DEF' } })
    expect(kept.headers.get('x-request-id')).toBe('edge-1.2:abc_DEF')
    expect(await kept.json()).toMatchObject({ instance: 'urn:request:edge-1.2:abc_DEF' })
    const replaced = await fetch(`${service.url}/nope`, { headers: { 'x-request-id': 'bad id <script>' } })
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('a malformed URL (which skips the onRequest hooks) still gets a request id, a problem and an access line', async () => {
    const res = await fetch(`${service.url}/%`, { headers: { 'x-request-id': 'bad-url-1' } })
    expect(res.status).toBe(400)
    expect(res.headers.get('x-request-id')).toBe('bad-url-1')
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(await res.json()).toMatchObject({ status: 400, instance: 'urn:request:bad-url-1' })
    await expect.poll(() => service.logs.filter((line) => line.reqId === 'bad-url-1')).not.toEqual([])
  })

  it('an unexpected failure → 500 problem with no stack trace or internal message', async () => {
    const original = service.app.wechatpay.call
    service.app.wechatpay.call = async () => { throw new Error('database password is hunter2') }
    try {
      const res = await fetch(`${service.url}/cards?appid=wx1&offset=0&limit=1`)
      const text = await res.text()
      expect(res.status).toBe(500)
      expect(JSON.parse(text)).toMatchObject({ type: '/problems/internal-error', status: 500 })
      expect(text).not.toContain('hunter2')
      expect(text).not.toMatch(/at .*\.ts:\d+/)
      // The operator still gets the whole story in the log.
      expect(service.rawLogs()).toContain('hunter2')
    } finally {
      service.app.wechatpay.call = original
    }
  })

  it('/healthz answers without touching WeChat Pay', async () => {
    const res = await fetch(`${service.url}/healthz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
    expect(fake.simulator.calls).toHaveLength(0)
  })
})
