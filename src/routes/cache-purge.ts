import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { sendProblem } from '../http/problem.js'
import { ProblemError } from '../problems/problem-error.js'
import { REDIS_KEYS } from '../redis/keys.js'
import { queryHygiene, type MerchantAppids } from '../http/query-hygiene.js'
import { PurgeQuerySchema } from '../schemas/purge-query.js'
import { ADMIN_ROUTE, GUARD_PROBLEMS, TOKEN_REQUIRED, problemResponses } from './problem-responses.js'

/**
 * DELETE /cards/cache: every cached page of an appid stops being served, on every replica, at
 * once. It bumps a generation counter (O(1)) instead of scanning keys; old entries expire unread.
 */
export default async function cachePurgeRoutes (app: FastifyInstance, { appids }: MerchantAppids): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().delete('/cards/cache', {
    schema: {
      operationId: 'purgeCardsCache',
      summary: 'Drop cached pages of an appid',
      description: 'Without `brand_id`, drops every cached page of the appid. With `brand_id`, drops the pages ' +
        'filtered by that brand and the unfiltered pages (which include its cards); other brands\' pages stay.',
      tags: ['cards'],
      security: TOKEN_REQUIRED,
      querystring: PurgeQuerySchema,
      response: {
        204: { description: 'Dropped: the next request for those pages goes to WeChat Pay.', type: 'null' },
        ...GUARD_PROBLEMS,
        ...problemResponses({
          400: 'Invalid parameters; every bad one is listed.',
          401: 'The bearer token is missing or is not one this service accepts.',
          403: 'No caller may purge (no CACHE_ADMIN_TOKENS, INTERNAL_API_TOKENS or CALLERS_FILE line with `purge`), ' +
            'or this caller may not.',
          429: 'This caller passed RATE_LIMIT_PER_MINUTE, or NO_CACHE_PER_MINUTE, which purges count against; see Retry-After.',
          503: 'The cache could not be reached; nothing was dropped. Retry later.'
        })
      }
    },
    config: ADMIN_ROUTE,
    preValidation: queryHygiene(PurgeQuerySchema, appids)
  }, async (request, reply) => {
    const { appid, brand_id: brandId } = request.query
    // A purge makes the next reads fetch from WeChat Pay, as a no-cache read does: it spends the
    // same allowance, or a purge followed by a read would be a forced refresh nothing counts.
    const allowance = await app.noCacheAllowance(request)
    if (!allowance.allowed) {
      throw new ProblemError('refresh-limited', 'This caller has used its NO_CACHE_PER_MINUTE allowance, which purges share; ' +
        `retry in ${allowance.retryAfterSeconds} s.`, { 'retry-after': String(allowance.retryAfterSeconds) })
    }
    const purged = await app.pageStore.purge(REDIS_KEYS.cardsPurge(app.merchantId, appid, brandId))
    if (!purged) {
      return sendProblem(request, reply, new ProblemError('cache-unavailable',
        'Redis could not be reached, so cached pages were not dropped; retry shortly.'))
    }
    request.log.info({ appid, brand_id: brandId, caller: request.caller?.name }, 'cache: pages purged')
    return await reply.code(204).send(null)
  })
}
