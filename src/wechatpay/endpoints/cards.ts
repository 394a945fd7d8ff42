import type { Endpoint, PurgeQuery, PurgeScope } from '../endpoint.js'
import { checkCardPageShape } from './card-page-shape.js'

/** 查询会员卡模板列表 (docs/wechatpay-protocol.md §0). */
export const CARDS_PATH = '/v3/marketing/membercard-open/cards'

export { CARDS_PAGE_MAX } from '../../config/variables/wechatpay.js'

export interface CardsQuery {
  appid: string
  /** A page index from 0, not an item offset (the endpoint page: "页码从0开始"). */
  offset: number
  limit: number
  brand_id?: string | undefined
}

/** One fixed order, encoded once: the signed and the sent string can never disagree (docs/wechatpay-protocol.md §1.1, §7.1). */
export function buildCardsTarget (query: CardsQuery): string {
  const params: Array<[string, string]> = []
  if (query.brand_id !== undefined) params.push(['brand_id', query.brand_id])
  params.push(['appid', query.appid], ['offset', String(query.offset)], ['limit', String(query.limit)])
  return `${CARDS_PATH}?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`
}

// encodeURIComponent keeps ':', '{' and '}' out of the brand part, so no brand_id can forge another
// key or hash tag; `~` (never a brand) stands for the unfiltered list. appid is [A-Za-z0-9_].
const brandScope = (brand: string | undefined): string => (brand === undefined ? '~' : encodeURIComponent(brand))

/** A purge of one brand also drops the unfiltered pages, which hold that brand's cards too. */
function purges ({ appid, brand_id: brand }: PurgeQuery): PurgeScope[] {
  if (appid === undefined) return []
  if (brand === undefined) return [{ group: appid, scope: '' }]
  return [{ group: appid, scope: brandScope(brand) }, { group: appid, scope: brandScope(undefined) }]
}

export const CARDS_ENDPOINT: Endpoint<CardsQuery> = Object.freeze({
  label: 'cards',
  route: CARDS_PATH,
  target: buildCardsTarget,
  checkShape: checkCardPageShape,
  cacheKey: (query: CardsQuery) => ({
    group: query.appid,
    item: `${brandScope(query.brand_id)}:${query.offset}:${query.limit}`,
    scopes: ['', brandScope(query.brand_id)]
  }),
  purges
})
