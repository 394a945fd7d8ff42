import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { startTestApp, type TestApp } from '../helpers/app.js'

let fake: FakeWechatpay
let service: TestApp

beforeAll(async () => {
  fake = await startFakeWechatpay()
  service = await startTestApp(fake)
})
afterAll(async () => {
  await service.close()
  await fake.simulator.close()
})

describe('the service\'s own errors are problems too', () => {
  it('an unknown route → 404 problem', async () => {
    const res = await fetch(`${service.url}/nope?x=1`)
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(await res.json()).toMatchObject({ type: '/problems/not-found', status: 404, instance: '/nope', detail: 'There is no route GET /nope' })
  })

  it('a known route with the wrong method → 405 problem with Allow', async () => {
    const res = await fetch(`${service.url}/cards?appid=wx1&offset=0&limit=1`, { method: 'DELETE' })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET, HEAD')
    expect(await res.json()).toMatchObject({ type: '/problems/method-not-allowed', status: 405 })
    expect(fake.simulator.calls).toHaveLength(0)
  })

  it('every problem carries the trace id the response header gives', async () => {
    const res = await fetch(`${service.url}/nope`)
    const problem = await res.json() as { trace_id: string }
    expect(problem.trace_id).toBe(res.headers.get('x-request-id'))
  })

  it('an unexpected failure → 500 problem with no stack trace or internal message', async () => {
    const original = service.app.wechatpay.listCards
    service.app.wechatpay.listCards = async () => { throw new Error('database password is hunter2') }
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
      service.app.wechatpay.listCards = original
    }
  })

  it('/healthz answers without touching WeChat Pay', async () => {
    const res = await fetch(`${service.url}/healthz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
    expect(fake.simulator.calls).toHaveLength(0)
  })
})
