import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Config, WechatpayCredentials } from './config.js'
import { AccessLogController } from './http/access-log.js'
import { sendStatusProblem } from './http/problem.js'
import errorHandling from './http/error-handler.js'
import { loggerOptions } from './logger.js'
import cache from './plugins/cache.js'
import docs from './plugins/docs.js'
import metrics from './plugins/metrics.js'
import protection from './plugins/protection.js'
import redis from './plugins/redis.js'
import wechatpay from './plugins/wechatpay.js'
import cachePurgeRoutes from './routes/cache-purge.js'
import cardsAllRoutes from './routes/cards-all.js'
import cardsRoutes from './routes/cards.js'
import healthRoutes from './routes/health.js'
import problemRoutes from './routes/problems.js'
import { startSandbox } from './sandbox/sandbox-mode.js'

export interface AppOverrides {
  /** Where log lines go (default stdout); tests capture them to prove what is never logged. */
  logStream?: { write: (line: string) => void }
  /** Milliseconds since the epoch, for signing and verification. */
  now?: () => number
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** Composes the service. It never listens: server.ts does, and tests use inject or listen on port 0. */
export async function buildApp (config: Config, overrides: AppOverrides = {}): Promise<FastifyInstance> {
  const logController = new AccessLogController()
  const app = Fastify({
    // Behind a load balancer, the per-caller rate limit must see the caller, not the balancer.
    // A hop count becomes proxy-addr's trust function (Fastify's types take no number).
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    logger: loggerOptions(config.logLevel, { nodeEnv: config.nodeEnv, stream: overrides.logStream }),
    logController,
    // Honour a caller's X-Request-Id so one id follows a request through several services.
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    // allErrors: one 400 lists every bad field. removeAdditional off: an unknown or misspelt
    // parameter is an error to report, not something to drop silently.
    ajv: { customOptions: { allErrors: true, removeAdditional: false } },
    // While closing, requests on open connections are still served (and /readyz says
    // shutting-down); Fastify's own 503 would be neither a problem nor carry a request id.
    return503OnClosing: false,
    // Requests Fastify cannot even route (a malformed URL) get a problem like everything else.
    frameworkErrors: (error, request, reply) => {
      // Fastify sets up no response listeners on this path, so the access line is written here.
      reply.raw.once('finish', () => { logController.requestCompleted(null, request, reply) })
      sendStatusProblem(request, reply, 400, error.message)
    }
  })
  // Hooks on every request are callback-style: an async hook costs a promise per request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })
  // While closing, answers to requests in flight carry Connection: close, so their keep-alive
  // sockets end with them and shutdown does not wait for idle connections to time out.
  let closing = false
  app.addHook('preClose', async () => { closing = true })
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close')
    done(null, payload)
  })

  let credentials: WechatpayCredentials | undefined = config.credentials
  let baseUrl = config.baseUrl
  let backupBaseUrl = config.backupBaseUrl
  if (config.sandbox) {
    const sandbox = await startSandbox()
    app.addHook('onClose', async () => { await sandbox.close() })
    credentials = sandbox.credentials
    baseUrl = sandbox.url
    backupBaseUrl = undefined
    app.log.warn({ simulator: sandbox.url }, 'SANDBOX MODE: WECHATPAY_MCHID is not set, so an embedded WeChat Pay simulator with generated keys answers /cards. Nothing reaches WeChat Pay.')
  }
  if (credentials === undefined) throw new Error('WeChat Pay credentials are missing outside sandbox mode')

  await app.register(errorHandling)
  await app.register(metrics)
  await app.register(docs)
  await app.register(redis, { settings: config.redis, commandTimeoutMs: config.redisCommandTimeoutMs })
  await app.register(protection, { config })
  await app.register(wechatpay, { config, credentials, baseUrl, backupBaseUrl, ...(overrides.now === undefined ? {} : { now: overrides.now }) })
  await app.register(cache, { config, ...(overrides.now === undefined ? {} : { now: overrides.now }) })
  await app.register(healthRoutes)
  await app.register(cardsAllRoutes, { maxCards: config.cardsAllMax, concurrency: walkConcurrency(config.upstreamMaxRps) })
  await app.register(cardsRoutes)
  await app.register(cachePurgeRoutes)
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
