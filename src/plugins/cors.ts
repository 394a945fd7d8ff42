import fastifyCors, { type FastifyCorsOptions } from '@fastify/cors'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { RATE_LIMIT_HEADERS } from './protection.js'

/** Request headers a page may send besides the CORS-safelisted ones: a token, cache control, tracing. */
export const CORS_ALLOWED_HEADERS = [
  'Authorization', 'Cache-Control', 'Pragma', 'If-None-Match', 'X-Request-Id', 'traceparent', 'tracestate'
]
/** Response headers a page may read besides the safelisted ones (Cache-Control, Content-Type, Content-Length, …). */
export const CORS_EXPOSED_HEADERS = [
  'X-Request-Id', 'X-Wechatpay-Request-Id', 'Cache-Status', 'ETag', 'Age', 'Retry-After', ...RATE_LIMIT_HEADERS
]
// Chromium keeps a preflight's answer at most 2 hours (Firefox a day): one preflight per URL and page for that long.
const PREFLIGHT_MAX_AGE_SECONDS = 7200

export interface CorsOptions {
  /** CORS_ORIGINS: the origins whose pages may call, exactly as browsers send `Origin`. */
  origins: readonly string[]
}

/**
 * Browsers on CORS_ORIGINS may call the service (Fetch standard, CORS protocol). @fastify/cors answers
 * preflights in its onRequest hook, before tokens are checked (a browser sends none on a preflight),
 * and adds the CORS headers to every other answer to such an origin, problems and 304s included.
 * The methods a preflight allows are those of the routes registered on its path, so `DELETE` only
 * where a route takes it. Every answer varies on `Origin`. Registered only when CORS_ORIGINS is set.
 */
async function cors (app: FastifyInstance, { origins }: CorsOptions): Promise<void> {
  const allowed = new Set(origins)
  const routes = app.routeMethods

  const optionsFor = (request: FastifyRequest): FastifyCorsOptions => {
    const origin = request.headers.origin
    // Another origin, or no browser at all: no CORS header, so a browser keeps the answer from its page.
    if (origin === undefined || !allowed.has(origin)) return { origin: false }
    const methods = routes.methodsOf(request.url.split('?', 1)[0] ?? '/')
    return {
      origin,
      methods,
      allowedHeaders: CORS_ALLOWED_HEADERS,
      exposedHeaders: CORS_EXPOSED_HEADERS,
      maxAge: PREFLIGHT_MAX_AGE_SECONDS,
      // Tokens travel in Authorization, which needs no credentials mode; the service sets no cookie.
      credentials: false,
      // Only a preflight for a route is answered here. Any other OPTIONS goes on to the not-found handler's
      // 405 or 404 problem, which then carries these headers too.
      preflight: request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined && methods.length > 0,
      strictPreflight: false
    }
  }
  await app.register(fastifyCors, { delegator: (request, callback) => { callback(null, optionsFor(request)) } })
}

export default fp(cors, { name: 'cors', dependencies: ['error-handling'] })
