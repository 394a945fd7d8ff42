import type { FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify'
import { gzipEtag, identityOf, type PageForms } from '../cache/cache-entry.js'
import { CACHE_NAME, forwardStatus, noCacheLimitedStatus } from '../cache/cache-status.js'
import { acceptsGzip } from './accept-encoding.js'
import { ifNoneMatchMatches, requestsNoCache } from './conditional.js'
import { addVary } from './vary.js'

/** RFC 9111, RFC 9211. */
export interface CachedBody extends PageForms {
  etag: string
  ageSeconds: number
  maxAgeSeconds: number
  cacheStatus: string
}

export interface NoCache { noCache: boolean, limited: boolean }

export async function noCacheOf (request: FastifyRequest): Promise<NoCache> {
  if (!requestsNoCache(request.headers)) return { noCache: false, limited: false }
  const { allowed } = await request.server.noCacheAllowance(request)
  return { noCache: allowed, limited: !allowed }
}

/** Nothing is parsed, re-serialized or compressed here; the gzip form has its own ETag (RFC 9110 §8.8.3). */
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
  return reply.type('application/json; charset=utf-8').send(gzip ?? identityOf(cached))
}

export function markForwardFailure (reply: FastifyReply, noCache: boolean, upstreamStatus: number | undefined): void {
  reply.header('cache-status', forwardStatus(noCache ? 'request' : 'miss', { fwdStatus: upstreamStatus }))
}

/** Callback style, as it runs for every answer: no promise per request. */
export const markUncached: onSendHookHandler = (_request, reply, payload, done) => {
  if (!reply.hasHeader('cache-status')) reply.header('cache-status', `${CACHE_NAME}; fwd=bypass`)
  if (reply.statusCode >= 400) reply.header('cache-control', 'no-store')
  done(null, payload)
}
