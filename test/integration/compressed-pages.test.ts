import { gunzipSync } from 'node:zlib'
import { Redis } from 'ioredis'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeEntry } from '../../src/cache/cache-entry.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { SHARED_REDIS, SHARED_REDIS_URL } from '../helpers/redis-server.js'
import { uniqueAppid } from '../helpers/unique.js'
import { cardsPageKeys } from '../helpers/page-keys.js'

// Pages are compressed once, when stored, and a hit sends those bytes to a caller that takes gzip:
// no hit compresses, and what a caller decodes is exactly WeChat Pay's verified bytes.
let fake: FakeWechatpay
let service: TestApp
const redis = new Redis(SHARED_REDIS_URL)

beforeAll(async () => {
  fake = await startFakeWechatpay()
  service = await startTestApp(fake, { redis: { settings: SHARED_REDIS } })
})
afterAll(async () => {
  redis.disconnect()
  await service.close()
  await fake.simulator.close()
})

interface Answer { status: number, headers: Record<string, unknown>, body: Buffer }

async function get (path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await request(`${service.url}${path}`, { headers })
  return { status: res.statusCode, headers: res.headers, body: Buffer.from(await res.body.arrayBuffer()) }
}

describe('compressed pages', () => {
  it('a caller that takes gzip gets the bytes compressed when the page was stored; identity callers get the page as is', async () => {
    const appid = uniqueAppid()
    const path = `/cards?appid=${appid}&offset=0&limit=20`
    const identity = await get(path)
    expect(identity.headers['content-encoding']).toBeUndefined()
    expect(identity.headers.vary).toMatch(/Accept-Encoding/)
    const compressed = await get(path, { 'accept-encoding': 'gzip, deflate, br' })
    expect(compressed.status).toBe(200)
    expect(compressed.headers['content-encoding']).toBe('gzip')
    expect(compressed.headers['cache-status']).toMatch(/; hit; /)
    expect(compressed.headers.vary).toMatch(/Accept-Encoding/)
    expect(gunzipSync(compressed.body).equals(identity.body)).toBe(true)
    expect(compressed.body.length).toBeLessThan(identity.body.length / 3)
    // The very bytes kept in Redis: compressed once, at store time, not per request.
    const frame = await redis.getBuffer(cardsPageKeys(fake.credentials.mchid, { appid, offset: 0, limit: 20 }).page)
    expect(decodeEntry(frame as Buffer)?.gzip?.equals(compressed.body)).toBe(true)
    expect((await get(path, { 'accept-encoding': 'gzip' })).body.equals(compressed.body)).toBe(true)
  })

  it('an identity caller gets the page\'s exact bytes from the gzip form Redis keeps, and from this process\'s copy', async () => {
    const appid = uniqueAppid()
    const path = `/cards?appid=${appid}&offset=0&limit=20`
    const fetched = await get(path)
    expect(fetched.headers['cache-status']).toMatch(/fwd=miss/)
    const frame = await redis.getBuffer(cardsPageKeys(fake.credentials.mchid, { appid, offset: 0, limit: 20 }).page)
    const stored = decodeEntry(frame as Buffer)
    expect(stored?.body).toBeUndefined()
    expect(stored?.gzip).toBeDefined()
    // Read from Redis twice (the second read copies the page here), then answered from the copy.
    for (let read = 0; read < 3; read++) {
      const hit = await get(path)
      expect(hit.headers['cache-status']).toMatch(/; hit; /)
      expect(hit.headers['content-encoding']).toBeUndefined()
      expect(hit.body.equals(fetched.body)).toBe(true)
      expect(hit.headers.etag).toBe(fetched.headers.etag)
    }
  })

  it('each representation has its own ETag, and If-None-Match is checked against the one that would be sent', async () => {
    const path = `/cards?appid=${uniqueAppid()}&offset=0&limit=20`
    const identityTag = String((await get(path)).headers.etag)
    const gzipTag = String((await get(path, { 'accept-encoding': 'gzip' })).headers.etag)
    expect(gzipTag).not.toBe(identityTag)
    const notModified = await get(path, { 'accept-encoding': 'gzip', 'if-none-match': gzipTag })
    expect(notModified.status).toBe(304)
    expect(notModified.headers.etag).toBe(gzipTag)
    expect((await get(path, { 'accept-encoding': 'gzip', 'if-none-match': identityTag })).status).toBe(200)
    expect((await get(path, { 'if-none-match': identityTag })).status).toBe(304)
  })

  it('gzip refused (q=0) or br alone: the identity bytes', async () => {
    const path = `/cards?appid=${uniqueAppid()}&offset=0&limit=20`
    for (const acceptEncoding of ['gzip;q=0', 'br', 'identity']) {
      expect((await get(path, { 'accept-encoding': acceptEncoding })).headers['content-encoding']).toBeUndefined()
    }
  })

  it('GET /cards/all is compressed per call, and decodes to the list itself', async () => {
    const appid = uniqueAppid()
    const plain = await get(`/cards/all?appid=${appid}`)
    const compressed = await get(`/cards/all?appid=${appid}`, { 'accept-encoding': 'gzip' })
    expect(compressed.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(compressed.body).equals(plain.body)).toBe(true)
    expect(compressed.headers.etag).not.toBe(plain.headers.etag)
  })
})
