import { readFileSync } from 'node:fs'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/config.js'
import { TEST_ENV } from '../helpers/app.js'

const ALLOWED = 'https://admin.example.com'
const OTHER = 'https://evil.example.net'
const TOKEN = 'cors-test-token-0123456789'
const CARDS = '/cards?appid=wxea9c30890f48d5ae&offset=0&limit=2'

let off: FastifyInstance
let on: FastifyInstance

beforeAll(async () => {
  off = await buildApp(loadConfig({ ...TEST_ENV, LOG_LEVEL: 'silent' }))
  on = await buildApp(loadConfig({
    ...TEST_ENV, LOG_LEVEL: 'silent', CORS_ORIGINS: `http://localhost:5173,${ALLOWED}`, INTERNAL_API_TOKENS: TOKEN
  }))
})
afterAll(async () => {
  await off?.close()
  await on?.close()
})

const auth = { authorization: `Bearer ${TOKEN}` }

function preflight (app: FastifyInstance, url: string, origin: string, method = 'GET'): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'OPTIONS',
    url,
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,if-none-match' }
  })
}

const corsHeaders = (res: LightMyRequestResponse): string[] => Object.keys(res.headers).filter((name) => name.startsWith('access-control-'))
const varies = (res: LightMyRequestResponse): string[] => String(res.headers.vary ?? '').split(',').map((name) => name.trim().toLowerCase())

function expectCorsFor (res: LightMyRequestResponse, origin: string): void {
  expect(res.headers['access-control-allow-origin']).toBe(origin)
  expect(res.headers['access-control-expose-headers']).toBe('X-Request-Id, X-Wechatpay-Request-Id, Cache-Status, ETag, Age, Retry-After, ' +
    'RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset')
  expect(res.headers['access-control-allow-credentials']).toBeUndefined()
  expect(varies(res)).toContain('origin')
}

describe('CORS_ORIGINS unset (the default): no CORS at all', () => {
  it('answers a preflight with the 405 problem, and a GET with an Origin as any other, with no CORS header', async () => {
    const pre = await preflight(off, CARDS, ALLOWED)
    expect(pre.statusCode).toBe(405)
    expect(pre.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(corsHeaders(pre)).toEqual([])
    const res = await off.inject({ url: CARDS, headers: { origin: ALLOWED } })
    expect(res.statusCode).toBe(200)
    expect(corsHeaders(res)).toEqual([])
    // Cached answers vary on the encoding anyway; never on the origin without CORS.
    expect(res.headers.vary).toBe('Accept-Encoding')
  })
})

describe('CORS_ORIGINS set: a preflight', () => {
  it('from a listed origin is a 204 naming it, the route\'s methods, the headers a page sends, and a long max-age', async () => {
    // No token: browsers never send one on a preflight, though the route itself requires it.
    const res = await preflight(on, CARDS, ALLOWED)
    expect(res.statusCode).toBe(204)
    expect(res.body).toBe('')
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED)
    expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD')
    const allowedHeaders = String(res.headers['access-control-allow-headers']).split(', ')
    const needed = ['Authorization', 'Cache-Control', 'If-None-Match', 'X-Request-Id', 'traceparent']
    expect(allowedHeaders).toEqual(expect.arrayContaining(needed))
    expect(Number(res.headers['access-control-max-age'])).toBeGreaterThanOrEqual(600)
    expect(res.headers['access-control-allow-credentials']).toBeUndefined()
    expect(varies(res)).toContain('origin')
    expect(res.headers['x-request-id']).toEqual(expect.any(String))
  })

  it('are counted in http_requests_total under the preflight route, and /metrics stays a GET route of its own', async () => {
    await preflight(on, CARDS, ALLOWED)
    const metrics = await on.inject({ url: '/metrics' })
    expect(metrics.body).toMatch(/^http_requests_total\{route="\*",method="OPTIONS",status="204",caller="anonymous"\} [1-9]/m)
    expect((await preflight(on, '/metrics', ALLOWED)).headers['access-control-allow-methods']).toBe('GET, HEAD')
  })

  it('allows DELETE only where a route takes it, as the registered routes say', async () => {
    // GET too: /cards/{card_id} takes any one segment, `cache` included.
    const purge = await preflight(on, '/cards/cache?appid=wx1', ALLOWED, 'DELETE')
    expect(purge.headers['access-control-allow-methods']).toBe('GET, HEAD, DELETE')
    expect((await preflight(on, '/cards/all?appid=wx1', ALLOWED)).headers['access-control-allow-methods']).toBe('GET, HEAD')
    // A parametric route is matched by its pattern.
    expect((await preflight(on, '/problems/not-found', 'http://localhost:5173')).headers['access-control-allow-methods']).toBe('GET, HEAD')
  })

  it('from an unlisted origin gets no Access-Control-Allow-Origin: the 405 problem, as without CORS', async () => {
    const res = await preflight(on, CARDS, OTHER)
    expect(res.statusCode).toBe(405)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(corsHeaders(res)).toEqual([])
    expect(varies(res)).toContain('origin')
  })

  it('from an unlisted origin is logged, and answered, as refused for its origin, not its method', async () => {
    const lines: string[] = []
    const logged = await buildApp(loadConfig({ ...TEST_ENV, LOG_LEVEL: 'info', CORS_ORIGINS: ALLOWED }),
      { logStream: { write: (line: string) => { lines.push(line) } } })
    try {
      const res = await preflight(logged, CARDS, OTHER)
      expect(res.statusCode).toBe(405)
      expect(res.json<{ detail: string }>().detail).toBe(`A CORS preflight from ${OTHER} is refused: the origin is not one of CORS_ORIGINS`)
      const ofRequests = lines.map((line) => JSON.parse(line) as { level: number, msg: string, reqId?: string })
        .filter((line) => line.reqId !== undefined)
      expect(ofRequests.filter((line) => line.level === 40))
        .toEqual([expect.objectContaining({ msg: 'CORS preflight refused: its origin is not in CORS_ORIGINS', origin: OTHER })])
      // An OPTIONS that is no preflight is still about its method.
      const plain = await logged.inject({ method: 'OPTIONS', url: CARDS })
      expect(plain.json<{ detail: string }>().detail).toBe('OPTIONS is not allowed on /cards; use GET or HEAD')
    } finally {
      await logged.close()
    }
  })

  it('to a path with no route, or an OPTIONS that is no preflight, is the 404 or 405 problem, readable by the page', async () => {
    const nowhere = await preflight(on, '/nowhere', ALLOWED)
    expect(nowhere.statusCode).toBe(404)
    expectCorsFor(nowhere, ALLOWED)
    const plain = await on.inject({ method: 'OPTIONS', url: CARDS, headers: { origin: ALLOWED } })
    expect(plain.statusCode).toBe(405)
    expect(plain.json()).toMatchObject({ type: '/problems/method-not-allowed' })
    expectCorsFor(plain, ALLOWED)
  })
})

describe('CORS_ORIGINS set: the answers', () => {
  it('to a listed origin carry the CORS headers: a page, its 304, HEAD', async () => {
    const res = await on.inject({ url: CARDS, headers: { origin: ALLOWED, ...auth } })
    expect(res.statusCode).toBe(200)
    expectCorsFor(res, ALLOWED)
    const etag = String(res.headers.etag)
    const again = await on.inject({ url: CARDS, headers: { origin: ALLOWED, 'if-none-match': etag, ...auth } })
    expect(again.statusCode).toBe(304)
    expectCorsFor(again, ALLOWED)
    const head = await on.inject({ method: 'HEAD', url: CARDS, headers: { origin: ALLOWED, ...auth } })
    expect(head.statusCode).toBe(200)
    expectCorsFor(head, ALLOWED)
  })

  it.each<[string, InjectOptions, number]>([
    ['a missing token', { url: CARDS }, 401],
    ['bad parameters', { url: '/cards?appid=wx-1&offset=-1&limit=50', headers: auth }, 400],
    ['a query over 2 KB', { url: `/cards?appid=${'a'.repeat(3000)}`, headers: auth }, 414],
    ['a body', { method: 'DELETE', url: '/cards/cache?appid=wx1', headers: { ...auth, 'content-length': '2' }, payload: '{}' }, 413],
    ['an unknown route', { url: '/nowhere' }, 404]
  ])('to a listed origin carry the CORS headers on problems too: %s', async (_label, request, status) => {
    const res = await on.inject({ ...request, headers: { ...request.headers, origin: ALLOWED } })
    expect(res.statusCode).toBe(status)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    expectCorsFor(res, ALLOWED)
  })

  it('to an unlisted origin, or with no Origin, are as without CORS but for Vary: Origin', async () => {
    for (const headers of [{ origin: OTHER, ...auth }, auth]) {
      const res = await on.inject({ url: CARDS, headers })
      expect(res.statusCode).toBe(200)
      expect(corsHeaders(res)).toEqual([])
      expect(varies(res)).toEqual(['origin', 'accept-encoding'])
    }
  })

  it('leave the OpenAPI document as committed: the preflight route is no part of the API', async () => {
    const committed = readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')
    expect((await on.inject({ url: '/docs/json' })).json()).toEqual(JSON.parse(committed))
  })

  it('keep Vary: Origin beside a route\'s own Vary', async () => {
    const res = await on.inject({ url: '/problems/not-found', headers: { origin: ALLOWED, accept: 'application/json' } })
    expect(res.statusCode).toBe(200)
    expect(varies(res)).toEqual(['origin', 'accept'])
    expectCorsFor(res, ALLOWED)
  })
})
