import type { Endpoint } from '../endpoint.js'
import { checkCardPageShape } from './card-page-shape.js'

/** 查询会员卡模板列表 (docs/wechatpay-protocol.md §0). */
export const CARDS_PATH = '/v3/marketing/membercard-open/cards'

/** WeChat Pay's largest page (the endpoint page: limit 最大20). */
export const CARDS_PAGE_MAX = 20

/** A validated /cards query: the same four parameters WeChat Pay takes. */
export interface CardsQuery {
  appid: string
  /** A page index from 0, not an item offset (the endpoint page: "页码从0开始"). */
  offset: number
  limit: number
  brand_id?: string | undefined
}

/**
 * The request target, built once per query in one fixed order and encoded once: this exact
 * string is both signed and sent, so the two can never disagree (docs/wechatpay-protocol.md §1.1, §7.1).
 */
export function buildCardsTarget (query: CardsQuery): string {
  const params: Array<[string, string]> = []
  if (query.brand_id !== undefined) params.push(['brand_id', query.brand_id])
  params.push(['appid', query.appid], ['offset', String(query.offset)], ['limit', String(query.limit)])
  return `${CARDS_PATH}?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`
}

/** GET /v3/marketing/membercard-open/cards: one page of the merchant's card templates. */
export const CARDS_ENDPOINT: Endpoint<CardsQuery> = Object.freeze({
  name: 'cards',
  target: buildCardsTarget,
  checkShape: checkCardPageShape
})
