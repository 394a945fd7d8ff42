import { Type } from 'typebox'
import { CardsQuerySchema } from './cards-query.js'

/**
 * DELETE /cards/cache: what to drop, each parameter with the rules it has where it is read. At
 * least one is needed, and brand_id only with an appid (src/routes/cache-purge.ts).
 */
export const PurgeQuerySchema = Type.Object({
  appid: Type.Optional(CardsQuerySchema.properties.appid),
  brand_id: CardsQuerySchema.properties.brand_id
}, { additionalProperties: false })
