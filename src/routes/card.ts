import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { markUncached } from '../http/cached-reply.js'
import { queryHygiene } from '../http/query-hygiene.js'
import { CARD_ENDPOINT, CARD_ID_PATTERN, CARD_ROUTE } from '../wechatpay/endpoints/card.js'
import { sendCachedAnswer } from './cached-answer.js'
import {
  CARD_UPSTREAM_PROBLEMS, GUARD_PROBLEMS, INTERNAL_ROUTE, TOKEN_OPTIONAL, cacheHeaders, problemResponses
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
      response: {
        200: {
          description: 'The verified template, byte for byte as WeChat Pay sent it.',
          headers: cacheHeaders,
          content: { 'application/json': { schema: { $ref: 'Card#' } } }
        },
        304: { description: 'The template still matches `If-None-Match`.', headers: cacheHeaders },
        ...GUARD_PROBLEMS,
        ...CARD_UPSTREAM_PROBLEMS,
        ...problemResponses({
          400: 'An invalid card_id or an unknown parameter, or WeChat Pay rejected the request (PARAM_ERROR, INVALID_REQUEST).',
          404: 'WeChat Pay knows no template with this id (`/problems/card-not-found`).',
          502: 'WeChat Pay failed, refused our signature, or sent an answer that did not verify.',
          503: 'The fleet\'s upstream budget is used up with nothing cached, the service is shedding load, ' +
            'or no key can verify answers; see Retry-After.',
          504: 'WeChat Pay did not answer in time.'
        })
      }
    },
    config: INTERNAL_ROUTE,
    preValidation: queryHygiene(NoQuerySchema),
    onSend: markUncached
  }, async (request, reply) => await sendCachedAnswer(app, request, reply, CARD_ENDPOINT, { card_id: request.params.card_id }))
}
