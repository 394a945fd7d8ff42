import { Type } from 'typebox'
import { CardsQuerySchema } from './cards-query.js'

/** DELETE /cards/cache takes the same appid and brand_id rules as GET /cards. */
export const PurgeQuerySchema = Type.Object({
  appid: CardsQuerySchema.properties.appid,
  brand_id: CardsQuerySchema.properties.brand_id
}, { additionalProperties: false })
