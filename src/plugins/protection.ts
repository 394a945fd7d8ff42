import rateLimit from '@fastify/rate-limit'
import underPressure from '@fastify/under-pressure'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { ProtectionConfig } from '../config/config.js'
import { bearerAuth } from '../http/bearer-auth.js'
import { ProblemError } from '../problems/problem-error.js'
import { REDIS_KEYS } from '../redis/keys.js'
import { guardedRateLimitStore } from '../redis/rate-limit-store.js'

// About 2 KB: a /cards query is under 100 bytes; anything this long is abuse.
const MAX_QUERY_BYTES = 2048
// Liveness and metrics must keep answering while the service sheds load.
const ALWAYS_OPEN = new Set(['/healthz', '/metrics'])

/**
 * Guards in front of the routes, cheapest first: an over-long query, overload, the caller's
 * rate, then the caller's token. Every refusal is a problem with a Retry-After where waiting helps.
 */
async function protection (app: FastifyInstance, config: ProtectionConfig): Promise<void> {
  app.addHook('onRequest', (request, _reply, done) => {
    const query = request.url.indexOf('?')
    if (query >= 0 && request.url.length - query - 1 > MAX_QUERY_BYTES) {
      done(new ProblemError('query-too-long', `Queries are limited to ${MAX_QUERY_BYTES} bytes.`))
      return
    }
    done()
  })

  await app.register(underPressure, {
    maxEventLoopDelay: config.maxEventLoopDelayMs,
    maxHeapUsedBytes: config.maxHeapUsedBytes,
    maxRssBytes: config.maxRssBytes,
    pressureHandler: (request, _reply, type) => {
      if (ALWAYS_OPEN.has(request.url.split('?', 1)[0] ?? '')) return undefined
      request.log.warn({ pressure: type }, 'shedding load')
      return Promise.reject(new ProblemError('overloaded', `Shedding load (${type}); retry shortly.`))
    }
  })

  // After the per-caller rate limit (a route-level onRequest hook): wrong tokens are counted too,
  // so guessing tokens is as limited as any other traffic.
  const auth = bearerAuth(config.apiTokens)
  if (config.apiTokens.length > 0) app.addHook('preValidation', auth.check)

  if (config.rateLimitPerMinute !== undefined) {
    await app.register(rateLimit, {
      global: false,
      max: config.rateLimitPerMinute,
      timeWindow: 60_000,
      hook: 'onRequest',
      // Shared by the replicas when Redis is there; a Redis failure lets the request through.
      store: app.redis === undefined ? undefined : guardedRateLimitStore(app.redis, REDIS_KEYS.rateLimitPrefix),
      skipOnError: true,
      keyGenerator: (request) => auth.callerOf(request) ?? `ip:${request.ip}`,
      errorResponseBuilder: (_request, context) => new ProblemError('rate-limited',
        `At most ${context.max} requests a minute; retry in ${context.after}.`,
        { 'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))) })
    })
  }
}

export default fp(protection, { name: 'protection', dependencies: ['redis'] })
