import { Type } from 'typebox'
import { CardsQuerySchema } from './cards-query.js'

/** GET /cards/all takes /cards' appid and brand_id rules; it chooses offset and limit itself. */
export const CardsAllQuerySchema = Type.Object({
  appid: CardsQuerySchema.properties.appid,
  brand_id: CardsQuerySchema.properties.brand_id
}, { additionalProperties: false })
