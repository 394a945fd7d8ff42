import type { CardsQuery } from '../wechatpay/cards-query.js'

/**
 * Redis key names. Bump KEY_VERSION whenever the layout or the entry format changes: new code then
 * never reads old entries, which simply expire. Every key of one appid shares the hash tag
 * {<mchid>:<appid>}, so a Redis Cluster keeps them in one slot and one MGET or script can touch them.
 *
 *   wxcards:v1:{mchid:appid}:page:<brand|~>:<offset>:<limit>   an encoded CacheEntry
 *   wxcards:v1:{mchid:appid}:gen                               purge generation of the appid
 *   wxcards:v1:{mchid:appid}:gen:<brand|~>                     purge generation of one brand filter
 *   wxcards:v1:{mchid:appid}:lock:<brand|~>:<offset>:<limit>   fleet fill lock of one page
 *   wxcards:v1:fill                                            pub/sub channel announcing fills
 *   wxcards:v1:purge                                           pub/sub channel announcing purges
 *   wxcards:v1:{mchid}:budget                                  the merchant's upstream budget (GCRA)
 */
export const KEY_VERSION = 'v1'
const PREFIX = `wxcards:${KEY_VERSION}`
export const FILL_CHANNEL = `${PREFIX}:fill`
/** Purges, announced so every replica drops its in-process copies at once. */
export const PURGE_CHANNEL = `${PREFIX}:purge`

export interface PageKeys {
  page: string
  lock: string
  appidGeneration: string
  brandGeneration: string
}

// encodeURIComponent keeps ':', '{' and '}' out of the brand part, so no brand_id can forge
// another key or hash tag. appid is [A-Za-z0-9_] by validation.
const brandPart = (brand: string | undefined): string => (brand === undefined ? '~' : encodeURIComponent(brand))

export function appidTag (mchid: string, appid: string): string {
  return `${PREFIX}:{${mchid}:${appid}}`
}

/** Normalized: the same four values give the same keys however the caller spelled the query. */
export function pageKeys (mchid: string, query: CardsQuery): PageKeys {
  const tag = appidTag(mchid, query.appid)
  const page = `${brandPart(query.brand_id)}:${query.offset}:${query.limit}`
  return {
    page: `${tag}:page:${page}`,
    lock: `${tag}:lock:${page}`,
    appidGeneration: `${tag}:gen`,
    brandGeneration: `${tag}:gen:${brandPart(query.brand_id)}`
  }
}

/** One budget per merchant: WeChat Pay's quota is per merchant, whatever the appid. */
export function budgetKey (mchid: string): string {
  return `${PREFIX}:{${mchid}}:budget`
}

/** The generation keys a purge bumps: the appid's, or one brand's plus the unfiltered pages'. */
export function purgeKeys (mchid: string, appid: string, brand: string | undefined): string[] {
  const tag = appidTag(mchid, appid)
  return brand === undefined ? [`${tag}:gen`] : [`${tag}:gen:${brandPart(brand)}`, `${tag}:gen:~`]
}
