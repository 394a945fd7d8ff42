import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { PageRequest, ServedPage } from '../cache/cached-pages.js'
import { markForwardFailure, noCacheOf, sendCached } from '../http/cached-reply.js'
import type { Endpoint } from '../wechatpay/endpoint.js'
import { UpstreamError } from '../wechatpay/upstream-error.js'

export async function sendCachedAnswer<Q> (
  app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, endpoint: Endpoint<Q>, query: Q
): Promise<FastifyReply> {
  const asked = await noCacheOf(request)
  const { noCache } = asked
  const started = performance.now()
  let page: ServedPage
  try {
    page = await app.pagesOf(endpoint).getPage(query, { noCache, caller: app.callerOf(request) })
  } catch (err) {
    request.upstreamMs = performance.now() - started
    markForwardFailure(reply, noCache, err instanceof UpstreamError ? err.upstreamStatus : undefined)
    throw err
  }
  request.cacheOutcome = { endpoint: endpoint.label, outcome: page.outcome }
  // Time spent getting the answer from WeChat Pay (or waiting for the request that did); none for hits.
  if (page.outcome !== 'hit' && page.outcome !== 'stale') request.upstreamMs = performance.now() - started
  if (page.requestId !== undefined) {
    request.wechatRequestId = page.requestId
    reply.header('x-wechatpay-request-id', page.requestId)
  }
  return sendCached(request, reply, page, asked)
}

export function answerReader<Q> (
  app: FastifyInstance, request: FastifyRequest, endpoint: Endpoint<Q>, options: Omit<PageRequest, 'noCache'> = {}
): (query: Q, pageOptions: { noCache: boolean }) => Promise<ServedPage> {
  const caller = app.callerOf(request)
  const pages = app.pagesOf(endpoint)
  return async (query, { noCache }) => await pages.getPage(query, { caller, ...options, noCache })
}

declare module 'fastify' {
  interface FastifyRequest {
    cacheOutcome?: { endpoint: string, outcome: string }
    upstreamMs?: number
  }
}
