import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { promisify } from 'node:util'
import { gzip as gzipCallback } from 'node:zlib'
import { BUDGET_MAX_WAIT_MS } from '../budget/upstream-budget.js'
import { strongEtag } from '../cache/cache-entry.js'
import { CardsChangedError, PageFailedError, TooManyCardsError, WALK_PAGE_SIZE, walkAllCards } from '../cards/page-walk.js'
import { walkFreshness } from '../cards/walk-cache-status.js'
import { WalkSlots } from '../cards/walk-slots.js'
import { CARDS_ALL_PER_CALLER } from '../config/variables/wechatpay.js'
import { acceptsGzip } from '../http/accept-encoding.js'
import { markForwardFailure, markUncached, noCacheOf, sendCached } from '../http/cached-reply.js'
import { ProblemError } from '../problems/problem-error.js'
import type { ProblemName } from '../problems/registry.js'
import { queryHygiene, type MerchantAppids } from '../http/query-hygiene.js'
import { CardsAllQuerySchema } from '../schemas/cards-all-query.js'
import { CARDS_ENDPOINT } from '../wechatpay/endpoints/cards.js'
import { UpstreamError } from '../wechatpay/upstream-error.js'
import { answerReader } from './cached-answer.js'
import {
  INTERNAL_ROUTE, INTERNAL_ROUTE_PROBLEMS, INTERNAL_TOKEN_NOTES, TOKEN_OPTIONAL, UPSTREAM_READ_PROBLEMS, cacheHeaders, routeResponses
} from './problem-responses.js'

const gzipAsync = promisify(gzipCallback)
// As long as a page waits for the budget: the caller's share then paces a long walk without failing it.
const SHARE_WAIT_MS = BUDGET_MAX_WAIT_MS

export interface CardsAllOptions extends MerchantAppids {
  maxCards: number
  /** At or under UPSTREAM_MAX_RPS so no page waits past the budget's 1 s. */
  concurrency: number
  walksPerReplica: number
}

const WALK_PROBLEMS: readonly ProblemName[] = ['too-many-walks', 'walks-busy', 'too-many-cards', 'cards-changed-during-walk']

// One X-Wechatpay-Request-Id cannot name several calls: the pages' ids are in the debug log instead.
const { 'X-Wechatpay-Request-Id': _perPage, ...walkHeaders } = cacheHeaders

export default async function cardsAllRoutes (app: FastifyInstance, options: CardsAllOptions): Promise<void> {
  const slots = new WalkSlots(options.walksPerReplica, CARDS_ALL_PER_CALLER)
  app.withTypeProvider<TypeBoxTypeProvider>().get('/cards/all', {
    schema: {
      operationId: 'listAllCards',
      summary: 'List every member-card template in one call',
      description: `Reads WeChat Pay's pages of ${WALK_PAGE_SIZE} (page 0 first, for \`total_count\`, then the rest a few at a time) ` +
        'through the same cache as `GET /cards`, and returns every card in WeChat Pay\'s order, each exactly as WeChat Pay sent it. ' +
        'It never returns a partial list: a failed page fails the call, naming the page. Lists over `CARDS_ALL_MAX` cards are ' +
        'refused (422): page through them with `GET /cards`. `Cache-Status` is a hit only when every page was; ' +
        '`Cache-Control: no-cache` refreshes every page; `If-None-Match` gets a 304. ' +
        `A replica runs at most \`CARDS_ALL_CONCURRENCY\` of these calls at once (503 past it), at most ${CARDS_ALL_PER_CALLER} ` +
        'of them for one caller (429 past it).',
      tags: ['cards'],
      security: TOKEN_OPTIONAL,
      querystring: CardsAllQuerySchema,
      response: routeResponses({
        200: {
          description: 'Every card template. `Cache-Status` is `wxpay-cards-bff; hit; ttl=<least ttl>` when every page was a fresh hit, ' +
            'else e.g. `wxpay-cards-bff; fwd=miss; detail=pages-1/3-hit`; `Age` is the oldest page\'s, `max-age` the least freshness left.',
          headers: walkHeaders,
          content: { 'application/json': { schema: { $ref: 'CardsAll#' } } }
        },
        304: { description: 'The combined list still matches `If-None-Match`.', headers: walkHeaders }
      }, [...INTERNAL_ROUTE_PROBLEMS, ...UPSTREAM_READ_PROBLEMS, ...WALK_PROBLEMS], INTERNAL_TOKEN_NOTES)
    },
    config: INTERNAL_ROUTE,
    preValidation: queryHygiene(CardsAllQuerySchema, options.appids),
    onSend: markUncached
  }, async (request, reply) => {
    // Refused before anything else, the no-cache allowance included: a refused walk costs nothing.
    const walkOver = slots.admit(app.callerOf(request), reply.raw)
    try {
      const { appid, brand_id: brandId } = request.query
      const asked = await noCacheOf(request)
      const { noCache } = asked
      let walk
      try {
        walk = await walkAllCards({
          appid,
          brandId,
          getPage: answerReader(app, request, CARDS_ENDPOINT, { shareWaitMs: SHARE_WAIT_MS }),
          maxCards: options.maxCards,
          concurrency: options.concurrency,
          noCache,
          onRestart: (reason) => {
            request.log.warn({ appid, brand_id: brandId, page: reason.page, reason: reason.message },
              'cards/all: a page disagreed with page 0; reading every page again')
          }
        })
      } catch (err) {
        markForwardFailure(reply, noCache, err instanceof PageFailedError ? err.error.upstreamStatus : undefined)
        throw walkProblem(err, options.maxCards)
      }
      const fresh = walkFreshness(walk.pages, noCache)
      // A hit only when every page was; a no-cache walk is a bypass however many pages it forced.
      request.cacheOutcome = {
        endpoint: CARDS_ENDPOINT.label,
        outcome: noCache ? 'bypass' : fresh.hits === walk.pages.length ? 'hit' : 'miss'
      }
      request.log.debug({
        pages: walk.pages.length,
        hits: fresh.hits,
        restarted: walk.restarted,
        wechat_request_ids: walk.pages.map((p) => p.requestId)
      }, 'cards/all: walked')
      // Put together per call, so compressed per call, off the event loop.
      const gzip = acceptsGzip(request.headers['accept-encoding']) ? await gzipAsync(walk.body, { level: 6 }) : undefined
      return sendCached(request, reply, { ...fresh, body: walk.body, gzip, etag: strongEtag(walk.body) }, asked)
    } finally {
      walkOver()
    }
  })
}

function walkProblem (err: unknown, maxCards: number): unknown {
  if (err instanceof PageFailedError) {
    const { error, page, pageCount } = err
    const which = `page ${page} (offset=${page}, limit=${WALK_PAGE_SIZE}${pageCount === undefined ? '' : ` of ${pageCount} pages`})`
    return new UpstreamError(error.problem, `${which} failed: ${error.wechatMessage ?? error.message}`, {
      code: error.code,
      requestId: error.requestId,
      upstreamStatus: error.upstreamStatus,
      retryAfterSeconds: error.retryAfterSeconds,
      verification: error.verification,
      cause: error
    })
  }
  if (err instanceof TooManyCardsError) {
    const lastPage = Math.ceil(err.totalCount / WALK_PAGE_SIZE) - 1
    return new ProblemError('too-many-cards',
      `This list has ${err.totalCount} card templates, more than the ${maxCards} GET /cards/all returns. ` +
      `Page through it with GET /cards?offset=0&limit=${WALK_PAGE_SIZE} up to offset=${lastPage}.`)
  }
  if (err instanceof CardsChangedError) {
    return new ProblemError('cards-changed-during-walk',
      `The list changed during the walk and again after reading every page afresh (${err.message}); ` +
      'no partial list is returned. Retry shortly.')
  }
  return err
}
