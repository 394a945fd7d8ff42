import { Type } from 'typebox'
import { CARD_ID_PATTERN } from '../wechatpay/endpoints/card.js'
import { CardsQuerySchema } from './cards-query.js'

/**
 * DELETE /cards/cache: what to drop, each parameter with the rules it has where it is read. At
 * least one is needed, and brand_id only with an appid (src/routes/cache-purge.ts).
 */
export const PurgeQuerySchema = Type.Object({
  appid: Type.Optional(CardsQuerySchema.properties.appid),
  brand_id: CardsQuerySchema.properties.brand_id,
  card_id: Type.Optional(Type.String({ pattern: CARD_ID_PATTERN, description: 'Drops one cached card template.' }))
}, { additionalProperties: false })
