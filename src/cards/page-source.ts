import type { CardsQuery } from '../wechatpay/cards-query.js'

/** A page ready to send: verified bytes and what the response headers need. */
export interface CardsPage {
  body: Buffer
  /** WeChat Pay's Request-ID of the call that produced these bytes. */
  requestId: string | undefined
}

/**
 * Where /cards gets its pages. Today the upstream client itself; the Redis cache will be a
 * PageSource wrapping another one, so the route does not change when caching arrives.
 */
export interface PageSource {
  getPage (query: CardsQuery, signal?: AbortSignal): Promise<CardsPage>
}
