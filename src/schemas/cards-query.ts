import { Type } from 'typebox'
import { CARDS_PAGE_MAX } from '../wechatpay/endpoints/cards.js'

/**
 * The /cards query, checked before anything leaves the process. Constraints follow the endpoint
 * page (appid string(32), brand_id string(16), limit max 20, offset a page index from 0).
 */
export const CardsQuerySchema = Type.Object({
  appid: Type.String({
    pattern: '^[A-Za-z0-9_]{1,32}$',
    description: 'The merchant\'s Official Account (服务号) AppID bound to the brand: 1-32 letters, digits or underscores.',
    examples: ['wxea9c30890f48d5ae']
  }),
  offset: Type.Integer({
    minimum: 0,
    // Real merchants have hundreds of templates; a nine-digit page index is already far past any.
    maximum: 999_999_999,
    description: 'Page index, from 0 (分页页码) — not an item offset: offset=1&limit=20 is cards 21-40.',
    examples: [0]
  }),
  limit: Type.Integer({ minimum: 1, maximum: CARDS_PAGE_MAX, description: `Page size, 1-${CARDS_PAGE_MAX} (分页大小).`, examples: [10] }),
  brand_id: Type.Optional(Type.String({
    // Brand ids are digits in every WeChat Pay example; letters, digits, - and _ leave room and
    // keep anything that could confuse a log or a cache key out.
    pattern: '^[A-Za-z0-9_-]{1,16}$',
    // No `examples`: Swagger UI would pre-fill it, and a reader following the README would get one brand's cards only.
    description: 'Only cards of this brand (品牌ID): 1-16 letters, digits, - or _, e.g. 1001622624.'
  }))
}, { additionalProperties: false })
