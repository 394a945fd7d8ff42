import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { markUncached } from '../http/cached-reply.js'
import { queryHygiene, type MerchantAppids } from '../http/query-hygiene.js'
import { CardsQuerySchema } from '../schemas/cards-query.js'
import { CARDS_ENDPOINT } from '../wechatpay/endpoints/cards.js'
import { sendCachedAnswer } from './cached-answer.js'
import {
  INTERNAL_ROUTE, INTERNAL_ROUTE_PROBLEMS, INTERNAL_TOKEN_NOTES, TOKEN_OPTIONAL, UPSTREAM_READ_PROBLEMS, cacheHeaders, routeResponses
} from './problem-responses.js'

/**
 * GET /cards: validate, take the page from the cache or a signed, verified WeChat Pay call, and
 * send WeChat Pay's bytes as they came. Nothing here parses or re-serializes the page.
 */
export default async function cardsRoutes (app: FastifyInstance, { appids }: MerchantAppids): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/cards', {
    schema: {
      operationId: 'listCards',
      summary: 'List member-card templates (查询会员卡模板列表)',
      description: 'One page of the merchant\'s member-card templates from WeChat Pay ' +
        '`GET /v3/marketing/membercard-open/cards`, signed by this service and verified before it is returned. ' +
        'The body is exactly what WeChat Pay sent. Pages are cached (see `Cache-Status`); send ' +
        '`Cache-Control: no-cache` to force a fresh fetch, `If-None-Match` to get a 304.',
      tags: ['cards'],
      security: TOKEN_OPTIONAL,
      querystring: CardsQuerySchema,
      response: routeResponses({
        200: {
          description: 'A verified page, byte for byte as WeChat Pay sent it.',
          headers: cacheHeaders,
          content: { 'application/json': { schema: { $ref: 'CardsPage#' } } }
        },
        304: { description: 'The page still matches `If-None-Match`.', headers: cacheHeaders }
      }, [...INTERNAL_ROUTE_PROBLEMS, ...UPSTREAM_READ_PROBLEMS], INTERNAL_TOKEN_NOTES)
    },
    config: INTERNAL_ROUTE,
    preValidation: queryHygiene(CardsQuerySchema, appids),
    onSend: markUncached
  }, async (request, reply) => {
    const { appid, offset, limit, brand_id: brandId } = request.query
    return await sendCachedAnswer(app, request, reply, CARDS_ENDPOINT, { appid, offset, limit, brand_id: brandId })
  })
}
