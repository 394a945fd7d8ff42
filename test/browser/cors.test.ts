import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/config.js'
import { TEST_ENV } from '../helpers/app.js'
import { launchChromium, type Chromium } from '../helpers/chromium.js'

// A page on one origin calling the service on another, in a real browser (test/helpers/chromium.ts):
// the browser, not the test, decides what the page may read. One page server answers on two origins,
// http://127.0.0.1:<port> (in CORS_ORIGINS) and http://localhost:<port> (not in it); the service is on
// a third, http://127.0.0.1:<its port>.

const TOKEN = 'browser-cors-token-0123456789'
const CARDS = '/cards?appid=wxea9c30890f48d5ae&offset=0&limit=5'

let pages: Server
let listed: string
let unlisted: string
let service: FastifyInstance
let serviceUrl: string
/** What the service answered, in order: a browser's preflights are invisible to the page. */
const answered: string[] = []
let browser: Chromium | undefined

beforeAll(async () => {
  pages = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>frontend</title>') })
  await new Promise<void>((resolve) => { pages.listen(0, '127.0.0.1', resolve) })
  const { port } = pages.address() as AddressInfo
  listed = `http://127.0.0.1:${port}`
  unlisted = `http://localhost:${port}`
  service = await buildApp(loadConfig({
    ...TEST_ENV, LOG_LEVEL: 'silent', CORS_ORIGINS: listed, INTERNAL_API_TOKENS: TOKEN, RATE_LIMIT_PER_MINUTE: '1000'
  }))
  service.addHook('onResponse', (request, reply, done) => {
    answered.push(`${request.method} ${request.url.split('?', 1)[0] ?? ''} ${reply.statusCode}`)
    done()
  })
  serviceUrl = await service.listen({ host: '127.0.0.1', port: 0 })
})

afterAll(async () => {
  await browser?.close()
  await service?.close()
  await new Promise((resolve) => { pages?.close(resolve) })
})

interface Seen {
  status?: number
  headers?: Record<string, string | null>
  body?: unknown
  error?: string
}

/** fetch's cache modes the tests use (the Fetch standard's RequestCache, which Node's types leave out). */
type CacheMode = 'default' | 'no-cache' | 'reload'

/** fetch() as the page's own script runs it, on the page's origin; what the browser lets the script see. */
async function fetchFrom (page: Page, url: string, headers: Record<string, string>, cache: CacheMode = 'default'): Promise<Seen> {
  return await page.evaluate(async ({ url, headers, cache }) => {
    try {
      const init = { headers, cache }
      const res = await fetch(url, init)
      const names = ['x-request-id', 'cache-status', 'etag', 'age', 'cache-control', 'content-type', 'x-content-type-options', 'vary',
        'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset']
      const text = await res.text()
      return {
        status: res.status,
        headers: Object.fromEntries(names.map((name) => [name, res.headers.get(name)])),
        body: text === '' ? undefined : JSON.parse(text) as unknown
      }
    } catch (err) {
      return { error: String(err) }
    }
  }, { url, headers, cache })
}

async function pageOn (origin: string): Promise<Page> {
  browser ??= await launchChromium()
  const page = await browser.context.newPage()
  page.setDefaultTimeout(8_000)
  await page.goto(`${origin}/`)
  return page
}

describe('a page on a listed origin (CORS_ORIGINS)', () => {
  it('reads the cards, X-Request-Id, Cache-Status and ETag, after a preflight its token did not need', async () => {
    const page = await pageOn(listed)
    const seen = await fetchFrom(page, `${serviceUrl}${CARDS}`, { authorization: `Bearer ${TOKEN}`, 'x-request-id': 'page-call-1' })
    expect(seen.error).toBeUndefined()
    expect(seen.status).toBe(200)
    expect((seen.body as { data: unknown[], total_count: number }).data).toHaveLength(5)
    expect(seen.headers?.['x-request-id']).toBe('page-call-1')
    expect(seen.headers?.['cache-status']).toMatch(/^wxpay-cards-bff; /)
    expect(seen.headers?.etag).toMatch(/^"/)
    expect(seen.headers?.['cache-control']).toMatch(/^private, max-age=\d+$/)
    // Sent, but not exposed: the browser keeps it from the page, so CORS really is in force.
    expect(seen.headers?.['x-content-type-options']).toBeNull()
    expect(answered).toContain('OPTIONS /cards 204')
    await page.close()
  }, 25_000)

  it('reads the rate limit\'s RateLimit-* headers, to pace itself before a 429', async () => {
    const page = await pageOn(listed)
    const url = `${serviceUrl}/cards?appid=wxea9c30890f48d5ae&offset=2&limit=5`
    const seen = await fetchFrom(page, url, { authorization: `Bearer ${TOKEN}` })
    expect(seen.status).toBe(200)
    expect(seen.headers?.['ratelimit-limit']).toBe('1000')
    expect(Number(seen.headers?.['ratelimit-remaining'])).toBeLessThan(1000)
    expect(Number(seen.headers?.['ratelimit-reset'])).toBeGreaterThan(0)
    await page.close()
  }, 25_000)

  it('reads a 400 problem\'s body', async () => {
    const page = await pageOn(listed)
    const seen = await fetchFrom(page, `${serviceUrl}/cards?appid=wx-1&offset=-1&limit=50`, { authorization: `Bearer ${TOKEN}` })
    expect(seen.status).toBe(400)
    expect(seen.headers?.['content-type']).toMatch(/^application\/problem\+json/)
    expect(seen.body).toMatchObject({ type: '/problems/invalid-request', status: 400 })
    expect((seen.body as { invalid_params: Array<{ name: string }> }).invalid_params.map((p) => p.name).sort())
      .toEqual(['appid', 'limit', 'offset'])
    expect(seen.headers?.['x-request-id']).toEqual(expect.any(String))
    await page.close()
  }, 25_000)
})

describe('the browser\'s own HTTP cache, on a listed origin', () => {
  it('answers a repeat within max-age itself; If-None-Match, Cache-Control: no-cache and cache modes go to the service', async () => {
    const page = await pageOn(listed)
    const url = `${serviceUrl}/cards?appid=wxea9c30890f48d5ae&offset=1&limit=5`
    const auth = { authorization: `Bearer ${TOKEN}` }
    const asked = (): number => answered.filter((line) => line.startsWith('GET /cards ')).length
    const last = (): string | undefined => answered.filter((line) => line.startsWith('GET /cards ')).at(-1)
    const first = await fetchFrom(page, url, { ...auth, 'x-request-id': 'first-call' })
    expect(first.status).toBe(200)
    const before = asked()

    // Cache-Control: private, max-age lets the browser keep the answer: the service is not asked again,
    // and the page reads the stored answer's headers, X-Request-Id included.
    const repeat = await fetchFrom(page, url, { ...auth, 'x-request-id': 'second-call' })
    expect(repeat.status).toBe(200)
    expect(repeat.headers?.['x-request-id']).toBe('first-call')
    expect(asked()).toBe(before)

    // A page's own If-None-Match bypasses the browser's cache (Fetch standard), and the page gets the 304.
    const conditional = await fetchFrom(page, url, { ...auth, 'if-none-match': String(first.headers?.etag) })
    expect(conditional.status).toBe(304)
    expect(conditional.headers?.etag).toBe(first.headers?.etag)
    expect(asked()).toBe(before + 1)

    // Cache-Control: no-cache goes past the browser's cache too, and the service fetches the page afresh.
    const fresh = await fetchFrom(page, url, { ...auth, 'cache-control': 'no-cache' })
    expect(fresh.status).toBe(200)
    expect(fresh.headers?.['cache-status']).toMatch(/fwd=request/)
    expect(asked()).toBe(before + 2)

    // fetch's cache: 'no-cache' makes the browser revalidate with its own If-None-Match (and max-age=0,
    // which the service does not take for no-cache): the service answers 304, the page gets the stored 200.
    const revalidated = await fetchFrom(page, url, auth, 'no-cache')
    expect(revalidated.status).toBe(200)
    expect((revalidated.body as { data: unknown[] }).data).toHaveLength(5)
    expect(last()).toBe('GET /cards 304')
    // cache: 'reload' sends Cache-Control: no-cache itself: a fresh fetch from WeChat Pay, as above.
    const reloaded = await fetchFrom(page, url, auth, 'reload')
    expect(reloaded.headers?.['cache-status']).toMatch(/fwd=request/)
    expect(asked()).toBe(before + 4)
    await page.close()
  }, 25_000)
})

describe('the same page on an unlisted origin', () => {
  it('is refused by the browser, though the service answered a simple GET as it always does', async () => {
    const page = await pageOn(unlisted)
    const before = answered.length
    // No header beyond the safelisted ones: no preflight, the GET itself goes out.
    const simple = await fetchFrom(page, `${serviceUrl}/problems/not-found`, { accept: 'application/json' })
    expect(simple.error).toMatch(/TypeError: Failed to fetch/)
    expect(answered.slice(before)).toEqual(['GET /problems/not-found 200'])
    // With a token the browser asks first, gets no Access-Control-Allow-Origin, and never sends the GET.
    const guarded = await fetchFrom(page, `${serviceUrl}${CARDS}`, { authorization: `Bearer ${TOKEN}` })
    expect(guarded.error).toMatch(/TypeError: Failed to fetch/)
    expect(answered.slice(before + 1)).toEqual(['OPTIONS /cards 405'])
    await page.close()
  }, 25_000)
})
