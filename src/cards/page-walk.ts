import type { ServedPage } from '../cache/cached-pages.js'
import { CARDS_PAGE_MAX, type CardsQuery } from '../wechatpay/endpoints/cards.js'
import { UpstreamError } from '../wechatpay/upstream-error.js'
import { rawPage } from './raw-elements.js'

/** WeChat Pay's largest page: the fewest calls for the whole list. */
export const WALK_PAGE_SIZE = CARDS_PAGE_MAX

export type GetPage = (query: CardsQuery, options: { noCache: boolean }) => Promise<ServedPage>

export interface WalkOptions {
  appid: string
  brandId?: string | undefined
  /** The page cache (single flight, fleet lock and upstream budget included). */
  getPage: GetPage
  /** CARDS_ALL_MAX: a longer list is refused after page 0. */
  maxCards: number
  /** Pages in flight at once after page 0. */
  concurrency: number
  /** The caller's `Cache-Control: no-cache`: every page is fetched again. */
  noCache: boolean
  /** Called when a page disagreed with page 0 and the walk starts again without the cache. */
  onRestart?: (reason: CardsChangedError) => void
}

/** What the answer needs of a page once its cards are spliced: not its bytes, which the walk lets go. */
export type WalkedPage = Pick<ServedPage, 'requestId' | 'ageSeconds' | 'maxAgeSeconds' | 'outcome'>

export interface Walk {
  /** `{"data":[…],"total_count":N}`, every card as WeChat Pay's bytes. */
  body: Buffer
  totalCount: number
  /** The pages of the walk that succeeded, in order: what Cache-Status, Age and max-age come from. */
  pages: WalkedPage[]
  restarted: boolean
}

/** The list is longer than CARDS_ALL_MAX. */
export class TooManyCardsError extends Error {
  constructor (readonly totalCount: number, readonly maxCards: number) {
    super(`the list has ${totalCount} cards, over the limit of ${maxCards}`)
    this.name = 'TooManyCardsError'
  }
}

/** One page failed upstream; `error` is what the page cache threw. */
export class PageFailedError extends Error {
  constructor (readonly page: number, readonly pageCount: number | undefined, readonly error: UpstreamError) {
    super(`page ${page} failed: ${error.message}`, { cause: error })
    this.name = 'PageFailedError'
  }
}

/** A page did not fit page 0's `total_count`: the list changed between the two reads. */
export class CardsChangedError extends Error {
  constructor (readonly page: number, message: string) {
    super(message)
    this.name = 'CardsChangedError'
  }
}

/**
 * Reads every page of a card list and splices the cards, each as WeChat Pay sent it, into one
 * document. Page 0 gives `total_count`; the other pages follow with bounded concurrency. Pages may
 * come from the cache at different ages, so a page that disagrees with page 0 (another total, or
 * not the number of cards the total implies) restarts the walk once with every page re-read;
 * a second disagreement means the list really is changing, and the walk fails rather than
 * return a list that is not one WeChat Pay ever held.
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

// A page's cards are views of its bytes: the page is held until the body is put together, and never
// decoded into strings (a list of Chinese titles is a two-byte string, twice the bytes).
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
    return { served: { requestId, ageSeconds, maxAgeSeconds, outcome }, ...splitPage(served.body) }
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

/** Page bytes (verified, shape-checked JSON) → total_count and each card's exact bytes. */
function splitPage (body: Buffer): { totalCount: number, cards: Buffer[] } {
  const { data, totalCount } = rawPage(body)
  // The client checked every page's shape before it was served or stored: this is a bug to hear about.
  if (data === undefined || totalCount === undefined) throw new Error('a served page has no data array or no numeric total_count')
  return { totalCount, cards: data }
}

const OPEN = Buffer.from('{"data":[')
const COMMA = Buffer.from(',')

/** The combined document, in one allocation of its exact size. */
function splice (cards: Buffer[], total: number): Buffer {
  const parts: Buffer[] = [OPEN]
  for (const [i, card] of cards.entries()) {
    if (i > 0) parts.push(COMMA)
    parts.push(card)
  }
  parts.push(Buffer.from(`],"total_count":${total}}`))
  return Buffer.concat(parts)
}
