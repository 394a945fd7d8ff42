import { describe, expect, it } from 'vitest'
import { gunzipSync, gzipSync } from 'node:zlib'
import {
  decodeEntry, encodeEntry, gzipEtag, gzipOnce, identityOf, ownBytes, strongEtag, type CacheEntry
} from '../../src/cache/cache-entry.js'
import { freshness } from '../../src/cache/freshness.js'
import { cardsPageKeys, cardsPurgeKeys } from '../helpers/page-keys.js'

const body = Buffer.from('{"data":[{"title":"会员卡 <b>&</b> 🙂"}],"total_count":1}')
const entry: CacheEntry = { body, storedAt: 1_700_000_000_123, requestId: '08F5B8C2B506-0', etag: strongEtag(body), generation: '3.1' }

describe('cache entry frames', () => {
  it('round-trips the exact page bytes and metadata', () => {
    const decoded = decodeEntry(encodeEntry(entry))
    expect(decoded).toEqual(entry)
    expect(decoded?.body?.equals(body)).toBe(true)
  })

  it('refuses frames it did not write (another format version, garbage, truncation)', () => {
    expect(decodeEntry(Buffer.from('{"data":[]}'))).toBeUndefined()
    expect(decodeEntry(Buffer.from('WXC0' + 'x'.repeat(40)))).toBeUndefined()
    expect(decodeEntry(encodeEntry(entry).subarray(0, 20))).toBeUndefined()
  })

  it('stores a page that has a gzip form as that form alone, which inflates to exactly the page', () => {
    const cards = Array.from({ length: 20 }, (_, i) => ({ card_id: `pXtPd${i}`, title: `会员卡 ${i}`, description: '使用说明'.repeat(5) }))
    const page = Buffer.from(JSON.stringify({ data: cards, total_count: 20 }))
    const gzip = gzipOnce(page)
    expect(gzip?.length).toBeLessThan(page.length / 2)
    const frame = encodeEntry({ ...entry, body: page, gzip })
    expect(frame.length).toBeLessThan(page.length / 2)
    const decoded = decodeEntry(frame) as CacheEntry
    expect(decoded.gzip?.equals(gzip as Buffer)).toBe(true)
    expect(decoded.body).toBeUndefined()
    expect(gunzipSync(decoded.gzip as Buffer).equals(page)).toBe(true)
    expect(identityOf(decoded).equals(page)).toBe(true)
    expect({ ...decoded, body: page }).toEqual({ ...entry, body: page, gzip })
  })

  it('gives a page\'s identity form as held, and refuses an entry with neither form or a gzip form that does not decode', () => {
    expect(identityOf(entry)).toBe(body)
    expect(() => identityOf({})).toThrow(/neither/)
    expect(() => identityOf({ gzip: Buffer.from('not gzip at all') })).toThrow(/does not decode/)
  })

  it('makes a gzip form that is its own memory, not a view into zlib\'s larger output chunk', () => {
    const cards = Array.from({ length: 20 }, (_, i) => ({ card_id: `pXtPd${i}`, title: `会员卡 ${i}`, description: '使用说明'.repeat(5) }))
    const gzip = gzipOnce(Buffer.from(JSON.stringify({ data: cards }))) as Buffer
    expect(gzip.byteLength).toBeLessThan(4096)
    expect(gzip.buffer.byteLength).toBe(gzip.byteLength)
  })

  it('copies only views: a Buffer that is its whole memory is kept, a slice gets memory of its own', () => {
    const whole = Buffer.allocUnsafeSlow(100)
    expect(ownBytes(whole)).toBe(whole)
    const slice = Buffer.from('a small page') // in Node's shared 8 KB pool
    const owned = ownBytes(slice)
    expect(owned.equals(slice)).toBe(true)
    expect(owned.buffer.byteLength).toBe(slice.byteLength)
    expect(ownBytes(undefined)).toBeUndefined()
  })

  it('keeps no gzip form of a page too small to gain from one', () => {
    expect(gzipOnce(body)).toBeUndefined()
    expect(decodeEntry(encodeEntry(entry))?.gzip).toBeUndefined()
  })

  it('refuses frames of the earlier layout: a page in one is fetched again', () => {
    const strings = [entry.requestId, entry.etag, entry.generation].map((text) => Buffer.from(text))
    const head = Buffer.alloc(18)
    head.write('WXC1', 0)
    head.writeDoubleBE(entry.storedAt, 4)
    strings.forEach((text, i) => head.writeUInt16BE(text.length, 12 + i * 2))
    expect(decodeEntry(Buffer.concat([head, ...strings, body]))).toBeUndefined()
  })

  it('still reads the layout before this one, both forms side by side, so that replicas being upgraded share their pages', () => {
    const strings = [entry.requestId, entry.etag, entry.generation].map((text) => Buffer.from(text))
    const gzip = gzipSync(body)
    const head = Buffer.alloc(22)
    head.write('WXC2', 0)
    head.writeDoubleBE(entry.storedAt, 4)
    strings.forEach((text, i) => head.writeUInt16BE(text.length, 12 + i * 2))
    head.writeUInt32BE(gzip.length, 18)
    const decoded = decodeEntry(Buffer.concat([head, ...strings, gzip, body]))
    expect(decoded).toEqual({ ...entry, gzip })
    expect(decodeEntry(Buffer.concat([head, ...strings, gzip.subarray(0, 5)]))).toBeUndefined()
    // Cut off right after its gzip form: the page is still there, in that form.
    const cut = decodeEntry(Buffer.concat([head, ...strings, gzip])) as CacheEntry
    expect(cut.body).toBeUndefined()
    expect(identityOf(cut).equals(body)).toBe(true)
  })

  it('refuses a frame whose gzip form is not the whole rest of it', () => {
    const cards = Array.from({ length: 20 }, (_, i) => ({ card_id: `pXtPd${i}`, title: `会员卡 ${i}`, description: '使用说明'.repeat(5) }))
    const page = Buffer.from(JSON.stringify({ data: cards }))
    const frame = encodeEntry({ ...entry, body: page, gzip: gzipOnce(page) })
    expect(decodeEntry(frame)).toBeDefined()
    expect(decodeEntry(frame.subarray(0, -1))).toBeUndefined()
    expect(decodeEntry(Buffer.concat([frame, Buffer.from('x')]))).toBeUndefined()
  })

  it('gives the gzip representation an ETag of its own', () => {
    expect(gzipEtag(entry.etag)).not.toBe(entry.etag)
    expect(gzipEtag(entry.etag)).toMatch(/^"[A-Za-z0-9_-]{32}-gzip"$/)
  })

  it('gives a strong ETag that changes with any byte', () => {
    expect(strongEtag(body)).toMatch(/^"[A-Za-z0-9_-]{32}"$/)
    expect(strongEtag(Buffer.from(body.toString().replace('1}', '2}')))).not.toBe(strongEtag(body))
  })
})

describe('cache keys', () => {
  it('name the merchant and the normalized query, under one hash tag per appid', () => {
    const keys = cardsPageKeys('1900000001', { appid: 'wxA', offset: 2, limit: 10, brand_id: '1001' })
    expect(keys.page).toBe('wxcards:v1:{1900000001:wxA}:page:1001:2:10')
    expect(keys.lock).toBe('wxcards:v1:{1900000001:wxA}:lock:1001:2:10')
    expect(keys.generations).toEqual(['wxcards:v1:{1900000001:wxA}:gen', 'wxcards:v1:{1900000001:wxA}:gen:1001'])
    expect(cardsPageKeys('1900000001', { appid: 'wxA', offset: 0, limit: 5 }).page).toBe('wxcards:v1:{1900000001:wxA}:page:~:0:5')
  })

  it('keep one merchant\'s pages apart from another\'s', () => {
    const query = { appid: 'wxA', offset: 0, limit: 5 }
    expect(cardsPageKeys('1900000001', query).page).not.toBe(cardsPageKeys('1900000002', query).page)
  })

  it('purge an appid, or one brand plus the unfiltered pages', () => {
    expect(cardsPurgeKeys('m', 'wxA', undefined)).toEqual(['wxcards:v1:{m:wxA}:gen'])
    expect(cardsPurgeKeys('m', 'wxA', '1001')).toEqual(['wxcards:v1:{m:wxA}:gen:1001', 'wxcards:v1:{m:wxA}:gen:~'])
  })
})

describe('freshness', () => {
  const policy = { ttlMs: 60_000, staleMs: 300_000 }
  it.each([
    [0, 'fresh', 0, 60],
    [18_000, 'fresh', 18, 42],
    [59_999, 'fresh', 59, 0],
    [60_000, 'stale', 60, 0],
    [72_000, 'stale', 72, -12],
    [359_999, 'stale', 359, -300],
    [360_000, 'expired', 360, -300]
  ])('at %i ms old a page is %s (age %i, ttl %i)', (ageMs, state, ageSeconds, ttlSeconds) => {
    expect(freshness({ storedAt: 1_000_000 }, 1_000_000 + ageMs, policy)).toEqual({ state, ageSeconds, ttlSeconds })
  })

  it('treats a page stored "in the future" (clock skew between replicas) as brand new', () => {
    expect(freshness({ storedAt: 2_000 }, 1_000, policy)).toEqual({ state: 'fresh', ageSeconds: 0, ttlSeconds: 60 })
  })
})
