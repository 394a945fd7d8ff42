import type { ServerResponse } from 'node:http'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { CardsPageSchema } from '../schemas/cards-page.js'
import { CardsQuerySchema } from '../schemas/cards-query.js'
import { problemResponse } from './problem-responses.js'

/**
 * GET /cards: validate, fetch a verified page, send WeChat Pay's bytes as they came.
 * Nothing here parses or re-serializes the page.
 */
export default async function cardsRoutes (app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/cards', {
    schema: {
      summary: 'List member-card templates (查询会员卡模板列表)',
      description: 'One page of the merchant\'s member-card templates from WeChat Pay ' +
        '`GET /v3/marketing/membercard-open/cards`, signed by this service and verified before it is returned. ' +
        'The body is exactly what WeChat Pay sent.',
      tags: ['cards'],
      querystring: CardsQuerySchema,
      response: {
        200: {
          description: 'A verified page, byte for byte as WeChat Pay sent it.',
          content: { 'application/json': { schema: CardsPageSchema } }
        },
        400: problemResponse('Invalid parameters (every bad one is listed), or WeChat Pay rejected them (PARAM_ERROR, INVALID_REQUEST).'),
        403: problemResponse('The merchant lacks permission for member cards (NO_AUTH).'),
        404: problemResponse('WeChat Pay has no such resource (RESOURCE_NOT_EXISTS, NOT_FOUND).'),
        429: problemResponse('WeChat Pay is limiting the merchant\'s request rate; see Retry-After.'),
        502: problemResponse('WeChat Pay failed, refused our signature, or sent an answer that did not verify.'),
        504: problemResponse('WeChat Pay did not answer in time.')
      }
    },
    preValidation: dropEmptyParameters
  }, async (request, reply) => {
    const query = request.query
    const page = await app.pages.getPage({
      appid: query.appid,
      offset: query.offset,
      limit: query.limit,
      brand_id: query.brand_id
    }, abortOnClose(reply.raw))
    if (page.requestId !== undefined) {
      request.wechatRequestId = page.requestId
      reply.header('x-wechatpay-request-id', page.requestId)
    }
    return reply.type('application/json; charset=utf-8').send(page.body)
  })
}

/**
 * `limit=` means "no limit given", not 0: ajv would coerce an empty string to 0, so empty
 * parameters are removed and then reported as missing, or ignored when optional.
 */
async function dropEmptyParameters (request: FastifyRequest): Promise<void> {
  const query = request.query as Record<string, unknown>
  for (const name of Object.keys(query)) {
    if (query[name] === '') delete query[name]
  }
}

/** Stops the upstream call when the caller goes away, so an abandoned request costs nothing more. */
function abortOnClose (response: ServerResponse): AbortSignal {
  const controller = new AbortController()
  // 'close' before the response finished means the connection went away under us.
  response.once('close', () => { if (!response.writableFinished) controller.abort() })
  return controller.signal
}
