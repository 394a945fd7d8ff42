import Fastify, { type FastifyInstance } from 'fastify'
import type { Config } from './config/config.js'
import { AccessLogController } from './http/access-log.js'
import { answerClientError } from './http/client-error.js'
import { deferredChildLogger } from './internals/deferred-child-logger.js'
import errorHandling from './http/error-handler.js'
import { lazySerializerFactory, lazyValidatorFactory } from './internals/lazy-compilers.js'
import { sendStatusProblem } from './http/problem.js'
import { loggerOptions, withTransportStarted } from './logger.js'
import apiSchemas from './plugins/api-schemas.js'
import cache from './plugins/cache.js'
import docs from './plugins/docs.js'
import metrics, { metricsEndpoint } from './plugins/metrics.js'
import protection from './plugins/protection.js'
import redis from './plugins/redis.js'
import requestLifecycle, { requestIdOf } from './plugins/request-lifecycle.js'
import wechatpay from './plugins/wechatpay.js'
import type { AppTracing } from './tracing/app-tracing.js'
import cachePurgeRoutes from './routes/cache-purge.js'
import cardsAllRoutes from './routes/cards-all.js'
import cardRoutes from './routes/card.js'
import cardsRoutes from './routes/cards.js'
import healthRoutes from './routes/health.js'
import problemRoutes from './routes/problems.js'

export interface AppOverrides {
  /** Where log lines go (default stdout); tests capture them to prove what is never logged. */
  logStream?: { write: (line: string) => void }
  /** Milliseconds since the epoch, for signing and verification. */
  now?: () => number
  /** Tracing, as server.ts started it when an OTLP endpoint is set; absent: no span is made anywhere. */
  tracing?: AppTracing | undefined
}

/** Composes the service. It never listens: server.ts does, and tests use inject or listen on port 0. */
export async function buildApp (config: Config, overrides: AppOverrides = {}): Promise<FastifyInstance> {
  const { server } = config
  const { tracing } = overrides
  const logController = new AccessLogController()
  const app = Fastify({
    // Behind a load balancer, the per-caller rate limit must see the caller, not the balancer.
    // A hop count becomes proxy-addr's trust function (Fastify's types take no number).
    trustProxy: typeof server.trustProxy === 'number' ? trustHops(server.trustProxy) : server.trustProxy,
    logger: withTransportStarted(loggerOptions(server.logLevel, {
      nodeEnv: server.nodeEnv, stream: overrides.logStream, mixin: tracing?.logFields
    })),
    logController,
    childLoggerFactory: deferredChildLogger,
    genReqId: requestIdOf,
    // allErrors: one 400 lists every bad field. removeAdditional off: an unknown or misspelt
    // parameter is an error to report, not something to drop silently.
    ajv: { customOptions: { allErrors: true, removeAdditional: false } },
    // Schemas are compiled when first used rather than all at start-up.
    schemaController: { compilersFactory: { buildValidator: lazyValidatorFactory(), buildSerializer: lazySerializerFactory() } },
    // While closing, requests on open connections are still served (and /readyz says
    // shutting-down); Fastify's own 503 would be neither a problem nor carry a request id.
    return503OnClosing: false,
    // Requests Fastify cannot even route (a malformed URL) get a problem like everything else.
    frameworkErrors: (error, request, reply) => {
      // Fastify sets up no response listeners on this path, so the access line is written here.
      reply.raw.once('finish', () => { logController.requestCompleted(null, request, reply) })
      sendStatusProblem(request, reply, 400, error.message)
    },
    // A request must arrive within REQUEST_TIMEOUT_MS (headers and body), and a connection may stay
    // silent only as long as the longest legitimate request (SOCKET_TIMEOUT_MS): a caller that
    // trickles bytes cannot hold a socket for ever. Node checks the first only every
    // connectionsCheckingInterval (30 s by default), hence the shorter interval. Between requests
    // Node times a kept-alive connection by keepAliveTimeout instead, which Fastify sets to 72 s.
    requestTimeout: server.requestTimeoutMs,
    connectionTimeout: server.socketTimeoutMs,
    keepAliveTimeout: server.socketTimeoutMs,
    http: { connectionsCheckingInterval: Math.min(1_000, server.requestTimeoutMs / 2) },
    // Errors of Node's HTTP parser (headers too large, a malformed request, a timeout) are problems too.
    clientErrorHandler: (error, socket) => { answerClientError(app.log, error, socket) }
  })
  // Past this, Node closes new connections at once: a flood of idle sockets cannot exhaust the process.
  app.server.maxConnections = server.maxConnections
  for (const warning of config.warnings) app.log.warn(warning)

  // First, so that every route and hook registered after it runs within the request's span.
  if (tracing !== undefined) await app.register(tracing.plugin)
  await app.register(requestLifecycle)
  await app.register(apiSchemas)
  await app.register(errorHandling)
  // Before every route, so that each one's requests are recorded: CORS's preflight route too.
  await app.register(metrics, { listener: server.metrics })
  // Before every other route and request hook: its hook answers preflights first, and it learns every
  // route's methods. Loaded only when CORS is on, like the other optional parts.
  if (server.corsOrigins.length > 0) await app.register((await import('./plugins/cors.js')).default, { origins: server.corsOrigins })
  await app.register(metricsEndpoint, { listener: server.metrics })
  if (server.docsEnabled) await app.register(docs)
  await app.register(redis, config.redis)
  await app.register(wechatpay, {
    config: config.wechatpay, now: overrides.now, attempts: tracing?.attempts, budgetWait: tracing?.budgetWait
  })
  await app.register(protection, config.protection)
  await app.register(cache, {
    config: config.cache, fillWaitMs: config.wechatpay.timeoutMs, now: overrides.now, fleetWait: tracing?.fleetWait
  })
  await app.register(healthRoutes)
  const { appids } = config.wechatpay
  await app.register(cardsAllRoutes, {
    maxCards: config.wechatpay.cardsAllMax,
    concurrency: walkConcurrency(config.wechatpay.upstreamMaxRps),
    walksPerReplica: config.wechatpay.cardsAllConcurrency,
    appids
  })
  await app.register(cardsRoutes, { appids })
  await app.register(cardRoutes)
  await app.register(cachePurgeRoutes, { appids })
  await app.register(problemRoutes)
  return app
}

/**
 * Pages /cards/all reads at once. The budget lets one call through every 1/UPSTREAM_MAX_RPS
 * seconds and makes a call wait at most 1 s, so no more pages than half a second's budget are in
 * flight: each then waits under half a second, leaving room for other traffic. At most 4.
 */
function walkConcurrency (maxRps: number): number {
  return Math.max(1, Math.min(4, Math.floor(maxRps / 2)))
}

/** Trusts the nearest `hops` proxies, as Fastify's numeric trustProxy does. */
function trustHops (hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops
}
