import { describe, expect, it } from 'vitest'
import { CachedPages } from '../../src/cache/cached-pages.js'
import { MemoryPageStore } from '../../src/cache/memory-store.js'
import type { CardsQuery } from '../../src/wechatpay/endpoints/cards.js'
import type { VerifiedPage } from '../../src/wechatpay/client.js'
import type { ProblemName } from '../../src/problems/registry.js'
import { UpstreamError } from '../../src/wechatpay/upstream-error.js'
import { cardsPageKeys } from '../helpers/page-keys.js'

const QUERY: CardsQuery = { appid: 'wxA', offset: 0, limit: 5 }

/** A WeChat Pay stand-in that counts calls and answers with numbered pages, or what it is told. */
function upstream () {
  const state = { calls: 0, next: [] as Array<() => Promise<VerifiedPage>> }
  const fetch = async (): Promise<VerifiedPage> => {
    state.calls++
    const scripted = state.next.shift()
    if (scripted !== undefined) return await scripted()
    return { body: Buffer.from(`{"data":[],"total_count":${state.calls}}`), requestId: `REQ-${state.calls}`, serial: 'PUB_KEY_ID_1' }
  }
  return { state, fetch }
}

function setup (policy = { ttlMs: 60_000, staleMs: 300_000 }) {
  const clock = { now: 1_000_000 }
  const up = upstream()
  const store = new MemoryPageStore({ maxEntries: 100, maxBytes: 1024 * 1024, now: () => clock.now })
  const errors: unknown[] = []
  const pages = new CachedPages<CardsQuery>({
    store,
    keysOf: (query) => cardsPageKeys('m', query),
    fetch: up.fetch,
    policy,
    now: () => clock.now,
    onBackgroundError: (e) => errors.push(e)
  })
  return { clock, up, store, pages, errors }
}

const failing = (problem: ProblemName = 'upstream-unreachable') => async (): Promise<VerifiedPage> => {
  throw new UpstreamError(problem, 'down')
}
const settle = async (): Promise<void> => { await new Promise((resolve) => setImmediate(resolve)) }

describe('CachedPages', () => {
  it('a miss fetches and stores; a hit within the TTL sends the stored bytes without a call', async () => {
    const { clock, up, pages } = setup()
    const miss = await pages.getPage(QUERY)
    expect(miss).toMatchObject({
      outcome: 'miss',
      cacheStatus: 'wxpay-cards-bff; fwd=miss; stored',
      ageSeconds: 0,
      maxAgeSeconds: 60,
      requestId: 'REQ-1'
    })
    clock.now += 18_000
    const hit = await pages.getPage(QUERY)
    expect(hit).toMatchObject({
      outcome: 'hit',
      cacheStatus: 'wxpay-cards-bff; hit; ttl=42',
      ageSeconds: 18,
      maxAgeSeconds: 42,
      requestId: 'REQ-1'
    })
    expect(hit.body).toBe(miss.body)
    expect(hit.etag).toBe(miss.etag)
    expect(up.state.calls).toBe(1)
  })

  it('two spellings of one query share an entry; another page does not', async () => {
    const { up, pages } = setup()
    await pages.getPage({ limit: 5, offset: 0, appid: 'wxA', brand_id: undefined })
    await pages.getPage({ appid: 'wxA', offset: 0, limit: 5 })
    await pages.getPage({ appid: 'wxA', offset: 1, limit: 5 })
    expect(up.state.calls).toBe(2)
  })

  it('a stale page is served at once while exactly one background refresh runs', async () => {
    const { clock, up, pages } = setup()
    await pages.getPage(QUERY)
    clock.now += 72_000
    const [a, b] = await Promise.all([pages.getPage(QUERY), pages.getPage(QUERY)])
    expect(a).toMatchObject({ outcome: 'stale', cacheStatus: 'wxpay-cards-bff; fwd=stale; ttl=-12', maxAgeSeconds: 0, ageSeconds: 72 })
    expect(b.outcome).toBe('stale')
    await settle()
    expect(up.state.calls).toBe(2)
    const refreshed = await pages.getPage(QUERY)
    expect(refreshed).toMatchObject({ outcome: 'hit', requestId: 'REQ-2', ageSeconds: 0 })
  })

  it('a failed background refresh keeps the stale page and is reported', async () => {
    const { clock, up, pages, errors } = setup()
    await pages.getPage(QUERY)
    clock.now += 100_000
    up.state.next.push(failing())
    expect((await pages.getPage(QUERY)).outcome).toBe('stale')
    await settle()
    expect(errors).toHaveLength(1)
    expect((await pages.getPage(QUERY)).requestId).toBe('REQ-1')
  })

  it('after TTL + stale the page is gone: a miss', async () => {
    const { clock, up, pages } = setup()
    await pages.getPage(QUERY)
    clock.now += 360_000
    expect((await pages.getPage(QUERY)).outcome).toBe('miss')
    expect(up.state.calls).toBe(2)
  })

  it.each([
    ['unreachable', 'upstream-unreachable'],
    ['a timeout', 'upstream-timeout'],
    ['a signature that does not verify', 'upstream-signature-invalid'],
    ['a 429', 'upstream-rate-limited']
  ] as const)('stale-if-error: %s with a usable stored page serves that page', async (_label, kind) => {
    const { clock, up, pages } = setup()
    await pages.getPage(QUERY)
    clock.now += 90_000
    up.state.next.push(failing(kind))
    const served = await pages.getPage(QUERY, { noCache: true })
    expect(served).toMatchObject({
      outcome: 'stale-if-error',
      cacheStatus: 'wxpay-cards-bff; hit; ttl=-30; detail=stale-if-error',
      requestId: 'REQ-1'
    })
  })

  it('a caller error from WeChat Pay (400, 403, 404) is not masked by a stored page', async () => {
    const { up, pages } = setup()
    await pages.getPage(QUERY)
    up.state.next.push(failing('upstream-no-auth'))
    await expect(pages.getPage(QUERY, { noCache: true })).rejects.toMatchObject({ status: 403 })
  })

  it('errors are never cached: the next request calls again', async () => {
    const { up, pages } = setup()
    up.state.next.push(failing())
    await expect(pages.getPage(QUERY)).rejects.toBeInstanceOf(UpstreamError)
    expect((await pages.getPage(QUERY)).outcome).toBe('miss')
    expect(up.state.calls).toBe(2)
  })

  it('no-cache fetches even when fresh, refreshes the entry, and says fwd=request', async () => {
    const { clock, up, pages } = setup()
    await pages.getPage(QUERY)
    clock.now += 5_000
    const forced = await pages.getPage(QUERY, { noCache: true })
    expect(forced).toMatchObject({ outcome: 'bypass', cacheStatus: 'wxpay-cards-bff; fwd=request; stored', requestId: 'REQ-2' })
    expect((await pages.getPage(QUERY)).requestId).toBe('REQ-2')
    expect(up.state.calls).toBe(2)
  })

  it('concurrent misses (and no-cache requests) for one page share one upstream call', async () => {
    const { up, pages } = setup()
    let release = (): void => {}
    up.state.next.push(async () => {
      await new Promise<void>((resolve) => { release = resolve })
      return { body: Buffer.from('{"data":[],"total_count":0}'), requestId: 'SLOW', serial: 's' }
    })
    const waiting = Array.from({ length: 50 }, async (_, i) => await pages.getPage(QUERY, { noCache: i % 10 === 0 }))
    await settle()
    release()
    const results = await Promise.all(waiting)
    expect(up.state.calls).toBe(1)
    expect(new Set(results.map((r) => r.requestId))).toEqual(new Set(['SLOW']))
    expect(results.filter((r) => r.cacheStatus.endsWith('; collapsed'))).toHaveLength(49)
    expect(results[0]?.cacheStatus).toBe('wxpay-cards-bff; fwd=request; stored')
    expect(results[1]).toMatchObject({ outcome: 'collapsed', cacheStatus: 'wxpay-cards-bff; fwd=miss; collapsed' })
  })
})

/** Pages whose callers' share answers as `take` says (no Redis script takes it beside a lock here). */
function sharedPages (up: ReturnType<typeof upstream>, take: (caller: string) => Promise<number>, now = Date.now): CachedPages<CardsQuery> {
  return new CachedPages<CardsQuery>({
    store: new MemoryPageStore({ maxEntries: 100, maxBytes: 1024 * 1024, now }),
    keysOf: (query) => cardsPageKeys('m', query),
    fetch: up.fetch,
    policy: { ttlMs: 60_000, staleMs: 300_000 },
    share: { take, turnOf: () => undefined },
    now
  })
}

describe('CachedPages and the caller\'s share', () => {
  it('charges one share for one background refresh, however many stale hits ask for it at once', async () => {
    const clock = { now: 1_000_000 }
    const up = upstream()
    const asked: string[] = []
    let release: (waitMs: number) => void = () => {}
    // The first answer is the miss's; the refresh's share is held until the test lets it go.
    const pages = sharedPages(up, async (caller) => {
      asked.push(caller)
      return asked.length === 1 ? 0 : await new Promise<number>((resolve) => { release = resolve })
    }, () => clock.now)
    await pages.getPage(QUERY, { caller: 'caller:a' })
    clock.now += 61_000
    const stale = await Promise.all(Array.from({ length: 5 }, async () => await pages.getPage(QUERY, { caller: 'caller:a' })))
    expect(stale.map((page) => page.outcome)).toEqual(['stale', 'stale', 'stale', 'stale', 'stale'])
    expect(asked).toHaveLength(2)
    release(0)
    await settle()
    await settle()
    expect(up.state.calls).toBe(2)
  })

  it('lets a request that joined a fetch refused by another caller\'s share ask for its own', async () => {
    const up = upstream()
    const asked: string[] = []
    const pages = sharedPages(up, async (caller) => {
      asked.push(caller)
      return caller === 'caller:a' ? 500 : 0
    })
    const [a, b] = await Promise.allSettled([pages.getPage(QUERY, { caller: 'caller:a' }), pages.getPage(QUERY, { caller: 'caller:b' })])
    expect(a).toMatchObject({ status: 'rejected', reason: { problem: 'upstream-share-exceeded', retryAfterSeconds: 1 } })
    expect(b).toMatchObject({ status: 'fulfilled', value: { outcome: 'miss', requestId: 'REQ-1' } })
    // b joined a's fetch, which a's share refused before any call: b then asked its own share, once.
    expect(asked).toEqual(['caller:a', 'caller:b'])
    expect(up.state.calls).toBe(1)
  })

  it('gives a request that joined its own caller\'s refused fetch that refusal, without asking again', async () => {
    const up = upstream()
    const asked: string[] = []
    const pages = sharedPages(up, async (caller) => {
      asked.push(caller)
      return 500
    })
    const answers = await Promise.allSettled(Array.from({ length: 5 }, async () => await pages.getPage(QUERY, { caller: 'caller:a' })))
    expect(answers.map((answer) => answer.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected'])
    expect(asked).toEqual(['caller:a'])
    expect(up.state.calls).toBe(0)
  })

  it('waits for the caller\'s share as long as shareWaitMs allows, and refuses past it', async () => {
    const up = upstream()
    const waits = [40, 0, 5_000]
    const pages = sharedPages(up, async () => waits.shift() ?? 0)
    const started = performance.now()
    expect(await pages.getPage(QUERY, { caller: 'caller:a', shareWaitMs: 1_000 })).toMatchObject({ outcome: 'miss' })
    expect(performance.now() - started).toBeGreaterThanOrEqual(35)
    await expect(pages.getPage({ ...QUERY, offset: 5 }, { caller: 'caller:a', shareWaitMs: 1_000 }))
      .rejects.toMatchObject({ problem: 'upstream-share-exceeded', retryAfterSeconds: 5 })
    expect(up.state.calls).toBe(1)
  })
})
