import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { markUncached } from '../http/cached-reply.js'
import { queryHygiene } from '../http/query-hygiene.js'
import { CARD_ENDPOINT, CARD_ID_PATTERN, CARD_ROUTE } from '../wechatpay/endpoints/card.js'
import { sendCachedAnswer } from './cached-answer.js'
import {
  INTERNAL_ROUTE, INTERNAL_ROUTE_PROBLEMS, INTERNAL_TOKEN_NOTES, TOKEN_OPTIONAL, UPSTREAM_READ_PROBLEMS, cacheHeaders, routeResponses
} from './problem-responses.js'

const CardParamsSchema = Type.Object({
  card_id: Type.String({
    pattern: CARD_ID_PATTERN,
    description: 'The card template\'s id (会员卡模板ID), as GET /cards lists it: 1-32 letters, digits, - or _.',
    examples: ['pbLatjvWOibDc5-TBnbUk1pD12o0']
  })
}, { additionalProperties: false })

// The route takes no query: an unknown parameter is a mistake to report, not to ignore.
const NoQuerySchema = Type.Object({}, { additionalProperties: false })

/** GET /cards/{card_id}: one template, from the cache or a signed, verified WeChat Pay call, as WeChat Pay sent it. */
export default async function cardRoutes (app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/cards/:card_id', {
    schema: {
      operationId: 'getCard',
      summary: 'One member-card template (查询会员卡模板信息)',
      description: `One of the merchant's member-card templates from WeChat Pay \`GET ${CARD_ROUTE}\`, signed by this service ` +
        'and verified before it is returned: exactly the bytes WeChat Pay sent, the same object as an element of a ' +
        '`GET /cards` page. Cached like a page (see `Cache-Status`); `Cache-Control: no-cache` forces a fresh fetch, ' +
        '`If-None-Match` gets a 304. An unknown id is a 404, remembered for a few seconds.',
      tags: ['cards'],
      security: TOKEN_OPTIONAL,
      params: CardParamsSchema,
      querystring: NoQuerySchema,
      response: routeResponses({
        200: {
          description: 'The verified template, byte for byte as WeChat Pay sent it.',
          headers: cacheHeaders,
          content: { 'application/json': { schema: { $ref: 'Card#' } } }
        },
        304: { description: 'The template still matches `If-None-Match`.', headers: cacheHeaders }
      }, [...INTERNAL_ROUTE_PROBLEMS, ...UPSTREAM_READ_PROBLEMS, 'card-not-found'], INTERNAL_TOKEN_NOTES)
    },
    config: INTERNAL_ROUTE,
    preValidation: queryHygiene(NoQuerySchema),
    onSend: markUncached
  }, async (request, reply) => await sendCachedAnswer(app, request, reply, CARD_ENDPOINT, { card_id: request.params.card_id }))
}
