import type { PageKeys } from '../../src/cache/page-store.js'
import { REDIS_KEYS } from '../../src/redis/keys.js'
import { CARDS_ENDPOINT, type CardsQuery } from '../../src/wechatpay/endpoints/cards.js'

/** The Redis keys of one /cards page, as the cache names them. */
export function cardsPageKeys (mchid: string, query: CardsQuery): PageKeys {
  return REDIS_KEYS.page(mchid, CARDS_ENDPOINT.cacheKey(query))
}

/** The generations a purge of an appid (or one of its brands) bumps in the /cards pages' group. */
export function cardsPurgeKeys (mchid: string, appid: string, brand: string | undefined): string[] {
  return CARDS_ENDPOINT.purges({ appid, brand_id: brand }).map((scope) => REDIS_KEYS.purge(mchid, scope))
}
