import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, startTestApp, type TestApp } from '../helpers/app.js'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { parseRaw, rawExchange } from '../helpers/raw-http.js'

// Callers that hold a connection open by trickling bytes, or that send what Node's own HTTP parser
// refuses, are answered with a problem and cut off, within REQUEST_TIMEOUT_MS at the most.
const TOKEN = 'slow-clients-api-token-0123456789'
let fake: FakeWechatpay
let service: TestApp

beforeAll(async () => {
  fake = await startFakeWechatpay()
  service = await startTestApp(fake, {
    server: { requestTimeoutMs: 1_000, maxConnections: 16 },
    protection: { apiTokens: [TOKEN] }
  })
})
afterAll(async () => {
  await service.close()
  await fake.simulator.close()
})

const byteByByte = (text: string): string[] => [...text]

describe('requests that trickle in', () => {
  it('headers trickling in past REQUEST_TIMEOUT_MS get a 408 problem and a closed connection', async () => {
    const { response, closedAfterMs } = await rawExchange(service.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\n',
      byteByByte('X-Slow: ' + 'a'.repeat(200)))
    const answer = parseRaw(response)
    expect(answer.status).toBe(408)
    expect(answer.headers['content-type']).toBe('application/problem+json')
    expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(answer.body).toMatchObject({ type: 'about:blank', status: 408, instance: `urn:request:${answer.headers['x-request-id']}` })
    // REQUEST_TIMEOUT_MS, checked every half of it: well before the trickle would have ended (40 s).
    expect(closedAfterMs).toBeLessThan(3_000)
  })

  it('a body trickling into GET /healthz is refused at once with a 413 problem, without reading it', async () => {
    const { response, closedAfterMs } = await rawExchange(service.url,
      'GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n', byteByByte('x'.repeat(50)))
    const answer = parseRaw(response)
    expect(answer.status).toBe(413)
    expect(answer.body).toMatchObject({ type: '/problems/request-body-not-allowed', status: 413 })
    expect(answer.headers.connection).toBe('close')
    expect(closedAfterMs).toBeLessThan(1_000)
  })

  it('an unauthenticated DELETE /cards/cache with a trickling body gets its 401 at once, before any body byte', async () => {
    const { response, closedAfterMs } = await rawExchange(service.url,
      'DELETE /cards/cache?appid=wx1 HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n', byteByByte('x'.repeat(50)))
    expect(parseRaw(response)).toMatchObject({ status: 401, body: { type: '/problems/unauthorized' } })
    expect(closedAfterMs).toBeLessThan(1_000)
  })

  it('an authenticated one is refused for its body, also at once', async () => {
    const { response, closedAfterMs } = await rawExchange(service.url,
      `DELETE /cards/cache?appid=wx1 HTTP/1.1\r\nHost: x\r\nAuthorization: ${ADMIN.authorization}\r\nTransfer-Encoding: chunked\r\n\r\n`,
      byteByByte('1\r\nx\r\n'))
    expect(parseRaw(response)).toMatchObject({ status: 413, body: { type: '/problems/request-body-not-allowed' } })
    expect(closedAfterMs).toBeLessThan(1_000)
  })

  it('sets the time limits and the connection bound on the server', () => {
    expect(service.app.server.requestTimeout).toBe(1_000)
    expect(service.app.server.timeout).toBe(60_000)
    expect(service.app.server.maxConnections).toBe(16)
  })

  it('closes connections past SERVER_MAX_CONNECTIONS at once', async () => {
    const { port } = new URL(service.url)
    const open = await Promise.all(Array.from({ length: 16 }, async () => await new Promise<ReturnType<typeof connect>>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => { resolve(socket) })
    })))
    try {
      const extra = connect(Number(port), '127.0.0.1')
      extra.on('error', () => {})
      const closed = await Promise.race([
        new Promise((resolve) => extra.once('close', () => { resolve(true) })),
        new Promise((resolve) => setTimeout(() => { resolve(false) }, 2_000))
      ])
      expect(closed).toBe(true)
      extra.destroy()
    } finally {
      for (const socket of open) socket.destroy()
      // The next tests need the server to have seen these go.
      const connections = async (): Promise<number> => await new Promise((resolve) => {
        service.app.server.getConnections((_err, count) => { resolve(count) })
      })
      await expect.poll(connections).toBe(0)
    }
  })
})

describe('what Node\'s HTTP parser refuses', () => {
  const marker = 'secret-marker-0123456789'

  it.each([
    ['16 KB of headers', 431, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${marker}${'a'.repeat(17_000)}\r\n\r\n`],
    ['Content-Length with Transfer-Encoding', 400,
      `GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nX-Mark: ${marker}\r\n\r\n`],
    ['a bad header name', 400, `GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header${marker}: 1\r\n\r\n`]
  ])('%s → a %i problem with an X-Request-Id; the log has the error code, never the bytes', async (_label, status, head) => {
    const { response } = await rawExchange(service.url, head)
    const answer = parseRaw(response)
    expect(answer.status).toBe(status)
    expect(answer.headers['content-type']).toBe('application/problem+json')
    expect(answer.headers['x-content-type-options']).toBe('nosniff')
    expect(answer.body).toMatchObject({ type: 'about:blank', status, instance: `urn:request:${answer.headers['x-request-id']}` })
    const logged = (): unknown => service.logs.find((line) => line.reqId === answer.headers['x-request-id'])
    await expect.poll(logged).toMatchObject({ code: expect.any(String) })
    expect(service.rawLogs()).not.toContain(marker)
  })
})
