import { describe, expect, it } from 'vitest'
import type { ServedPage } from '../../src/cache/cached-pages.js'
import type { CacheOutcome } from '../../src/cache/cache-status.js'
import { CardsChangedError, PageFailedError, TooManyCardsError, walkAllCards, type WalkOptions } from '../../src/cards/page-walk.js'
import { walkFreshness } from '../../src/cards/walk-cache-status.js'
import type { CardsQuery } from '../../src/wechatpay/endpoints/cards.js'
import type { ProblemName } from '../../src/problems/registry.js'
import { WECHATPAY_ERROR_CODES } from '../../src/wechatpay/errors.js'
import { UpstreamError } from '../../src/wechatpay/upstream-error.js'

const cards = (n: number, from = 0): Array<{ card_id: string }> => Array.from({ length: n }, (_, i) => ({ card_id: `c${from + i}` }))

function served (body: string, outcome: CacheOutcome = 'miss', extra: Partial<ServedPage> = {}): ServedPage {
  return { body: Buffer.from(body), requestId: 'R', etag: '"e"', ageSeconds: 0, maxAgeSeconds: 60, cacheStatus: '', outcome, ...extra }
}

/** A page cache stand-in over a list that `list()` returns at each call, recording every call. */
function pagesOf (list: () => unknown[]) {
  const calls: Array<{ query: CardsQuery, noCache: boolean }> = []
  const state = { inFlight: 0, maxInFlight: 0 }
  const getPage: WalkOptions['getPage'] = async (query, { noCache }) => {
    calls.push({ query, noCache })
    state.inFlight++
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight)
    await new Promise((resolve) => setTimeout(resolve, 1))
    state.inFlight--
    const all = list()
    const data = all.slice(query.offset * query.limit, query.offset * query.limit + query.limit)
    return served(JSON.stringify({ data, need_dynamic_code: false, total_count: all.length, offset: query.offset, limit: query.limit }))
  }
  return { calls, state, getPage }
}

const options = (getPage: WalkOptions['getPage'], more: Partial<WalkOptions> = {}): WalkOptions =>
  ({ appid: 'wxA', getPage, maxCards: 1000, concurrency: 4, noCache: false, ...more })

describe('walkAllCards', () => {
  it.each([0, 1, 20, 21, 47, 200])('%i cards: every card once, in order, from ceil(n/20) pages of 20', async (n) => {
    const list = cards(n)
    const up = pagesOf(() => list)
    const walk = await walkAllCards(options(up.getPage))
    expect(JSON.parse(walk.body.toString())).toEqual({ data: list, total_count: n })
    expect(walk.body.toString()).toBe(`{"data":[${list.map((c) => JSON.stringify(c)).join(',')}],"total_count":${n}}`)
    expect(up.calls.map((c) => c.query.offset)).toEqual(Array.from({ length: Math.max(1, Math.ceil(n / 20)) }, (_, i) => i))
    expect(up.calls.every((c) => c.query.limit === 20 && c.query.appid === 'wxA' && !c.noCache)).toBe(true)
    expect(walk.pages).toHaveLength(up.calls.length)
    expect(walk.restarted).toBe(false)
  })

  it('reads page 0 alone, then at most `concurrency` pages at once', async () => {
    const up = pagesOf(() => cards(200))
    await walkAllCards(options(up.getPage, { concurrency: 3 }))
    expect(up.state.maxInFlight).toBe(3)
  })

  it('passes brand_id and the caller\'s no-cache to every page', async () => {
    const up = pagesOf(() => cards(30))
    await walkAllCards(options(up.getPage, { brandId: 'B1', noCache: true }))
    expect(up.calls.map((c) => [c.query.brand_id, c.noCache])).toEqual([['B1', true], ['B1', true]])
  })

  it('splices the exact bytes of each card: spacing, escapes and unknown fields', async () => {
    const card = '{ "card_id" : "p1", "title":"卡 \\u003c 🙂", "later": [1, 2.50] }'
    const walk = await walkAllCards(options(async () => served(`{"data" : [ ${card} ],\n "total_count":1, "extra":true}`)))
    expect(walk.body.toString()).toBe(`{"data":[${card}],"total_count":1}`)
  })

  it('refuses a list over maxCards after page 0 alone', async () => {
    const up = pagesOf(() => cards(47))
    const err = await walkAllCards(options(up.getPage, { maxCards: 46 })).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TooManyCardsError)
    expect(err).toMatchObject({ totalCount: 47, maxCards: 46 })
    expect(up.calls).toHaveLength(1)
    await expect(walkAllCards(options(pagesOf(() => cards(47)).getPage, { maxCards: 47 }))).resolves.toMatchObject({ totalCount: 47 })
  })

  it('a failing page fails the walk, naming the page, and starts no further page', async () => {
    const problem = WECHATPAY_ERROR_CODES.NO_AUTH as ProblemName
    const up = pagesOf(() => cards(200))
    const getPage: WalkOptions['getPage'] = async (query, o) => {
      if (query.offset === 2) throw new UpstreamError(problem, 'no', { code: 'NO_AUTH', upstreamStatus: 403 })
      return await up.getPage(query, o)
    }
    const err = await walkAllCards(options(getPage, { concurrency: 1 })).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(PageFailedError)
    expect(err).toMatchObject({ page: 2, pageCount: 10, error: { code: 'NO_AUTH', problem } })
    expect(up.calls.map((c) => c.query.offset)).toEqual([0, 1])
  })

  it('a failing page 0 names page 0; errors that are not upstream errors pass through as they are', async () => {
    const up = new UpstreamError(WECHATPAY_ERROR_CODES.SYSTEM_ERROR as ProblemName, 'down')
    await expect(walkAllCards(options(async () => { throw up }))).rejects.toMatchObject({ page: 0, pageCount: undefined, error: up })
    const bug = new TypeError('bug')
    await expect(walkAllCards(options(async () => { throw bug }))).rejects.toBe(bug)
  })

  it('a list that changed once: the walk restarts with every page re-read without the cache', async () => {
    let calls = 0
    // Page 0 sees 47 cards; from the second read on there are 48.
    const up = pagesOf(() => cards(++calls === 1 ? 47 : 48))
    const restarts: CardsChangedError[] = []
    const walk = await walkAllCards(options(up.getPage, { onRestart: (e) => restarts.push(e) }))
    expect(JSON.parse(walk.body.toString())).toEqual({ data: cards(48), total_count: 48 })
    expect(walk.restarted).toBe(true)
    expect(restarts).toHaveLength(1)
    expect(restarts[0]?.message).toMatch(/total_count 48 where page 0 said 47/)
    const again = up.calls.findIndex((c, i) => i > 0 && c.query.offset === 0)
    expect(up.calls.slice(again).map((c) => [c.query.offset, c.noCache])).toEqual([[0, true], [1, true], [2, true]])
  })

  it('a list that keeps changing fails after one restart', async () => {
    let calls = 0
    const up = pagesOf(() => cards(40 + ++calls))
    const err = await walkAllCards(options(up.getPage)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CardsChangedError)
    expect(up.calls.filter((c) => c.query.offset === 0).map((c) => c.noCache)).toEqual([false, true])
  })

  it('a page with the same total but the wrong number of cards counts as a change', async () => {
    const page = (offset: number): string => offset === 0
      ? JSON.stringify({ data: cards(20), total_count: 30 })
      : JSON.stringify({ data: cards(9, 20), total_count: 30 })
    const err = await walkAllCards(options(async (q) => served(page(q.offset)))).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CardsChangedError)
    expect((err as Error).message).toMatch(/page 1 holds 9 cards where total_count 30 implies 10/)
  })
})

describe('walkFreshness', () => {
  it('is a hit with the least ttl only when every page was a fresh hit; Age is the oldest page\'s', () => {
    const pages = [served('', 'hit', { ageSeconds: 5, maxAgeSeconds: 55 }), served('', 'hit', { ageSeconds: 20, maxAgeSeconds: 40 })]
    expect(walkFreshness(pages, false)).toEqual({ cacheStatus: 'wxpay-cards-bff; hit; ttl=40', ageSeconds: 20, maxAgeSeconds: 40, hits: 2 })
  })

  it('otherwise forwards, counting the hits', () => {
    const outcomes: CacheOutcome[] = ['hit', 'stale', 'collapsed', 'stale-if-error', 'miss']
    expect(walkFreshness(outcomes.map((o) => served('', o)), false).cacheStatus).toBe('wxpay-cards-bff; fwd=miss; detail=pages-1/5-hit')
    expect(walkFreshness([served('', 'bypass'), served('', 'bypass')], true).cacheStatus)
      .toBe('wxpay-cards-bff; fwd=request; detail=pages-0/2-hit')
  })
})
