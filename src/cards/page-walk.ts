import type { ServedPage } from '../cache/cached-pages.js'
import { CARDS_PAGE_MAX, type CardsQuery } from '../wechatpay/endpoints/cards.js'
import { UpstreamError } from '../wechatpay/upstream-error.js'
import { identityOf } from '../cache/cache-entry.js'
import { rawPage } from './raw-elements.js'

export const WALK_PAGE_SIZE = CARDS_PAGE_MAX

export type GetPage = (query: CardsQuery, options: { noCache: boolean }) => Promise<ServedPage>

export interface WalkOptions {
  appid: string
  brandId?: string | undefined
  getPage: GetPage
  maxCards: number
  concurrency: number
  /** Every page is fetched again. */
  noCache: boolean
  onRestart?: (reason: CardsChangedError) => void
}

export type WalkedPage = Pick<ServedPage, 'requestId' | 'ageSeconds' | 'maxAgeSeconds' | 'outcome'>

export interface Walk {
  body: Buffer
  totalCount: number
  /** What Cache-Status, Age and max-age come from. */
  pages: WalkedPage[]
  restarted: boolean
}

export class TooManyCardsError extends Error {
  constructor (readonly totalCount: number, readonly maxCards: number) {
    super(`the list has ${totalCount} cards, over the limit of ${maxCards}`)
    this.name = 'TooManyCardsError'
  }
}

export class PageFailedError extends Error {
  constructor (readonly page: number, readonly pageCount: number | undefined, readonly error: UpstreamError) {
    super(`page ${page} failed: ${error.message}`, { cause: error })
    this.name = 'PageFailedError'
  }
}

export class CardsChangedError extends Error {
  constructor (readonly page: number, message: string) {
    super(message)
    this.name = 'CardsChangedError'
  }
}

/**
 * Pages may come from the cache at different ages, so a page that disagrees with page 0 restarts the walk once
 * with every page re-read; a second disagreement fails rather than return a list WeChat Pay never held.
 */
export async function walkAllCards (options: WalkOptions): Promise<Walk> {
  try {
    return await walkOnce(options, options.noCache, false)
  } catch (err) {
    if (!(err instanceof CardsChangedError)) throw err
    options.onRestart?.(err)
  }
  return await walkOnce(options, true, true)
}

// Never decoded into strings: Chinese titles would take two bytes a character.
interface ReadPage { served: WalkedPage, totalCount: number, cards: Buffer[] }

async function walkOnce (options: WalkOptions, noCache: boolean, restarted: boolean): Promise<Walk> {
  const read = async (page: number, pageCount: number | undefined): Promise<ReadPage> => {
    let served: ServedPage
    try {
      served = await options.getPage({ appid: options.appid, offset: page, limit: WALK_PAGE_SIZE, brand_id: options.brandId }, { noCache })
    } catch (err) {
      throw err instanceof UpstreamError ? new PageFailedError(page, pageCount, err) : err
    }
    const { requestId, ageSeconds, maxAgeSeconds, outcome } = served
    return { served: { requestId, ageSeconds, maxAgeSeconds, outcome }, ...splitPage(identityOf(served)) }
  }

  const first = await read(0, undefined)
  const total = first.totalCount
  if (total > options.maxCards) throw new TooManyCardsError(total, options.maxCards)
  const pageCount = Math.max(1, Math.ceil(total / WALK_PAGE_SIZE))
  const pages: ReadPage[] = [first]
  const check = (page: number, got: ReadPage): void => {
    if (got.totalCount !== total) {
      throw new CardsChangedError(page, `page ${page} says total_count ${got.totalCount} where page 0 said ${total}`)
    }
    const expected = Math.min(WALK_PAGE_SIZE, total - page * WALK_PAGE_SIZE)
    if (got.cards.length !== expected) {
      throw new CardsChangedError(page, `page ${page} holds ${got.cards.length} cards where total_count ${total} implies ${expected}`)
    }
  }
  check(0, first)

  let next = 1
  let failed = false
  const worker = async (): Promise<void> => {
    while (!failed && next < pageCount) {
      const page = next++
      try {
        const got = await read(page, pageCount)
        check(page, got)
        pages[page] = got
      } catch (err) {
        // Pages already in flight finish (into the cache); no new one starts.
        failed = true
        throw err
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(options.concurrency, pageCount - 1) }, worker))

  return {
    body: splice(pages.flatMap((page) => page.cards), total),
    totalCount: total,
    pages: pages.map((page) => page.served),
    restarted
  }
}

function splitPage (body: Buffer): { totalCount: number, cards: Buffer[] } {
  const { data, totalCount } = rawPage(body)
  // The client checked every page's shape before it was served or stored: this is a bug to hear about.
  if (data === undefined || totalCount === undefined) throw new Error('a served page has no data array or no numeric total_count')
  return { totalCount, cards: data }
}

const OPEN = Buffer.from('{"data":[')
const COMMA = Buffer.from(',')

function splice (cards: Buffer[], total: number): Buffer {
  const parts: Buffer[] = [OPEN]
  for (const [i, card] of cards.entries()) {
    if (i > 0) parts.push(COMMA)
    parts.push(card)
  }
  parts.push(Buffer.from(`],"total_count":${total}}`))
  return Buffer.concat(parts)
}
