import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { parseRaw, rawExchange } from '../helpers/raw-http.js'

// SOCKET_TIMEOUT_MS bounds a connection's silence between requests too: Node would otherwise time a
// kept-alive connection by its own keepAliveTimeout, 72 s as Fastify sets it.
let fake: FakeWechatpay
let service: TestApp
let defaults: TestApp

beforeAll(async () => {
  fake = await startFakeWechatpay()
  service = await startTestApp(fake, { server: { socketTimeoutMs: 2_000 } })
  defaults = await startTestApp(fake)
})
afterAll(async () => {
  await service.close()
  await defaults.close()
  await fake.simulator.close()
})

describe('an idle kept-alive connection', () => {
  it('is closed once it has been silent for SOCKET_TIMEOUT_MS, as the response announces', async () => {
    const { response, closedAfterMs } = await rawExchange(service.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', [], 200, 8_000)
    const answer = parseRaw(response)
    expect(answer.status).toBe(200)
    expect(answer.headers['keep-alive']).toBe('timeout=2')
    // Node closes it a second after the time it announces, so that a caller trusting the header never
    // reuses a connection the service is just closing.
    expect(closedAfterMs).toBeGreaterThan(1_500)
    expect(closedAfterMs).toBeLessThan(4_000)
  })

  it('is held 60 s by default, what docs/operations.md promises', async () => {
    const { response } = await rawExchange(defaults.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n', [], 200, 500)
    expect(parseRaw(response).headers['keep-alive']).toBe('timeout=60')
    expect(defaults.app.server.keepAliveTimeout).toBe(60_000)
  })
})
