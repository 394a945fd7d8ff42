import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { sendProblem } from '../http/problem.js'
import { ProblemError, type InvalidParam } from '../problems/problem-error.js'
import { queryHygiene, type MerchantAppids } from '../http/query-hygiene.js'
import { PurgeQuerySchema } from '../schemas/purge-query.js'
import { ADMIN_ROUTE, ADMIN_ROUTE_PROBLEMS, TOKEN_REQUIRED, routeResponses } from './problem-responses.js'

/**
 * DELETE /cards/cache: what every endpoint caches for the given parameters stops being served, on
 * every replica, at once. It bumps generation counters (O(1)) instead of scanning keys; old entries
 * expire unread. What each parameter drops is each endpoint's to say (src/wechatpay/endpoints/).
 */
export default async function cachePurgeRoutes (app: FastifyInstance, { appids }: MerchantAppids): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().delete('/cards/cache', {
    schema: {
      operationId: 'purgeCardsCache',
      summary: 'Drop cached answers',
      description: '`appid` drops every cached page of the appid; with `brand_id`, only the pages filtered by that brand and ' +
        'the unfiltered pages (which include its cards), other brands\' pages stay.',
      tags: ['cards'],
      security: TOKEN_REQUIRED,
      querystring: PurgeQuerySchema,
      response: routeResponses({
        204: { description: 'Dropped: the next request for those pages goes to WeChat Pay.', type: 'null' }
      }, [...ADMIN_ROUTE_PROBLEMS, 'refresh-limited', 'cache-unavailable'])
    },
    config: ADMIN_ROUTE,
    preValidation: queryHygiene(PurgeQuerySchema, appids)
  }, async (request, reply) => {
    const purge = request.query
    const missing = purgeMissing(purge)
    if (missing !== undefined) {
      throw new ProblemError('invalid-request', `${missing.name} ${missing.reason}`, {}, { invalid_params: [missing] })
    }
    // A purge makes the next reads fetch from WeChat Pay, as a no-cache read does: it spends the
    // same allowance, or a purge followed by a read would be a forced refresh nothing counts.
    const allowance = await app.noCacheAllowance(request)
    if (!allowance.allowed) {
      throw new ProblemError('refresh-limited', 'This caller has used its NO_CACHE_PER_MINUTE allowance, which purges share; ' +
        `retry in ${allowance.retryAfterSeconds} s.`, {}, {}, allowance.retryAfterSeconds)
    }
    if (!await app.purgeAnswers(purge)) {
      return sendProblem(request, reply, new ProblemError('cache-unavailable',
        'Redis could not be reached, so cached answers were not dropped; retry shortly.'))
    }
    request.log.info({ ...purge, caller: request.caller?.name }, 'cache: answers purged')
    return await reply.code(204).send(null)
  })
}

/** What a purge must name: something to drop, and a brand only within an appid. */
function purgeMissing (purge: Record<string, string | undefined>): InvalidParam | undefined {
  if (Object.values(purge).every((value) => value === undefined)) {
    const others = Object.keys(PurgeQuerySchema.properties).filter((name) => name !== 'appid').join(', ')
    return { name: 'appid', in: 'query', reason: `is required unless one of ${others} is given` }
  }
  if (purge.brand_id !== undefined && purge.appid === undefined) return { name: 'appid', in: 'query', reason: 'is required with brand_id' }
  return undefined
}
