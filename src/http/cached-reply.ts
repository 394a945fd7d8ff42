import type { FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify'
import { gzipEtag } from '../cache/cache-entry.js'
import { CACHE_NAME, forwardStatus, noCacheLimitedStatus } from '../cache/cache-status.js'
import { acceptsGzip } from './accept-encoding.js'
import { ifNoneMatchMatches, requestsNoCache } from './conditional.js'
import { addVary } from './vary.js'

/** What a cached answer is sent with: its bytes, validator, age and freshness (RFC 9111, RFC 9211). */
export interface CachedBody {
  body: Buffer
  /** The same bytes gzip-compressed, when there is such a representation. */
  gzip?: Buffer | undefined
  /** The identity representation's validator; the gzip one's is derived from it. */
  etag: string
  ageSeconds: number
  maxAgeSeconds: number
  cacheStatus: string
}

/** A caller's `Cache-Control: no-cache`, as far as NO_CACHE_PER_MINUTE allows it: `limited` when it was refused. */
export interface NoCache { noCache: boolean, limited: boolean }

/** Asks whether the caller's no-cache, if any, may be honoured now; a refused one is counted too. */
export async function noCacheOf (request: FastifyRequest): Promise<NoCache> {
  if (!requestsNoCache(request.headers)) return { noCache: false, limited: false }
  const { allowed } = await request.server.noCacheAllowance(request)
  return { noCache: allowed, limited: !allowed }
}

/**
 * Sends verified bytes as they are, with Cache-Status, ETag, Age and `private, max-age`, or a 304
 * when If-None-Match already holds them. Nothing is parsed or re-serialized, and nothing is
 * compressed here: a caller that takes gzip gets the bytes compressed when the page was stored,
 * under their own ETag, since they are another representation (RFC 9110 §8.8.3).
 */
export function sendCached (request: FastifyRequest, reply: FastifyReply, cached: CachedBody, asked?: NoCache): FastifyReply {
  const gzip = cached.gzip !== undefined && acceptsGzip(request.headers['accept-encoding']) ? cached.gzip : undefined
  const etag = gzip === undefined ? cached.etag : gzipEtag(cached.etag)
  addVary(reply, 'Accept-Encoding')
  reply.header('cache-status', asked?.limited === true ? noCacheLimitedStatus(cached.cacheStatus) : cached.cacheStatus)
    .header('etag', etag)
    .header('age', String(cached.ageSeconds))
    .header('cache-control', `private, max-age=${cached.maxAgeSeconds}`)
  if (ifNoneMatchMatches(request.headers['if-none-match'], etag)) return reply.code(304).send()
  if (gzip !== undefined) reply.header('content-encoding', 'gzip')
  return reply.type('application/json; charset=utf-8').send(gzip ?? cached.body)
}

/** A failed fetch still says what the cache did: forwarded, and WeChat Pay's status when it answered. */
export function markForwardFailure (reply: FastifyReply, noCache: boolean, upstreamStatus: number | undefined): void {
  reply.header('cache-status', forwardStatus(noCache ? 'request' : 'miss', { fwdStatus: upstreamStatus }))
}

/**
 * onSend of every cached route: each answer says what the cache did, and problems are never to be
 * stored by callers. Callback style, as it runs for every answer: no promise per request.
 */
export const markUncached: onSendHookHandler = (_request, reply, payload, done) => {
  if (!reply.hasHeader('cache-status')) reply.header('cache-status', `${CACHE_NAME}; fwd=bypass`)
  if (reply.statusCode >= 400) reply.header('cache-control', 'no-store')
  done(null, payload)
}
