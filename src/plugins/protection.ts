import rateLimit from '@fastify/rate-limit'
import underPressure from '@fastify/under-pressure'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { ProtectionConfig } from '../config/config.js'
import { CallerDirectory, listedCallers } from '../callers/caller-directory.js'
import { watchCallersFile } from '../callers/callers-file-watch.js'
import { noCallerTokens } from '../config/caller-tokens.js'
import { callersFileRule } from '../config/callers.js'
import { callerAuth } from '../http/caller-auth.js'
import { WindowLimit, type WindowVerdict } from '../http/window-limit.js'
import { refuseBody, refuseLongQuery } from '../http/request-guards.js'
import { withHooks } from '../http/route-hooks.js'
import { ProblemError, secondsToWait } from '../problems/problem-error.js'
import { REDIS_KEYS } from '../redis/keys.js'
import { guardedRateLimitStore } from '../redis/rate-limit-store.js'
import { RedisWindowCounter } from '../redis/window-counter.js'

/** What the per-caller rate limit (RATE_LIMIT_PER_MINUTE) sends on every answer it counts. */
export const RATE_LIMIT_HEADERS = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']

// Liveness and metrics must keep answering while the service sheds load.
const ALWAYS_OPEN = new Set(['/healthz', '/metrics'])

/** All in onRequest, before a byte of a body is read, so a caller trickling one in is refused at once. */
async function protection (app: FastifyInstance, config: ProtectionConfig): Promise<void> {
  app.addHook('onRequest', refuseLongQuery)

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

  const { callersFile } = config
  const directory = new CallerDirectory(listedCallers(config.apiTokens, config.adminTokens), callersFile?.callers)
  if (callersFile !== undefined) {
    const stop = watchCallersFile({
      path: callersFile.path,
      initialText: callersFile.text,
      weakness: callersFileRule(callersFile.production, (token) => directory.isListed(token)),
      onCallers: (callers) => { directory.replaceFileCallers(callers) },
      log: app.log
    })
    app.addHook('onClose', async () => { stop() })
  }
  const window = (prefix: (mchid: string) => string): RedisWindowCounter | undefined =>
    app.redis === undefined ? undefined : new RedisWindowCounter(app.redis, prefix(app.merchantId))
  const auth = callerAuth({
    directory,
    apiGuarded: !noCallerTokens(config),
    failures: new WindowLimit(config.authFailuresPerMinute, window(REDIS_KEYS.authFailuresPrefix))
  })
  app.decorateRequest('caller', undefined)
  app.decorateRequest('authFailed', false)
  // Before the rate limit, so that it counts a named caller by name; a wrong token is counted here.
  app.addHook('onRequest', auth.identify)
  // Anyone without a token is their address as TRUST_PROXY sees it.
  const callerOf = (request: FastifyRequest): string => request.caller === undefined ? `ip:${request.ip}` : `caller:${request.caller.name}`
  app.decorate('callerOf', callerOf)
  const noCache = new WindowLimit(config.noCachePerMinute, window(REDIS_KEYS.noCachePrefix))
  app.decorate('noCacheAllowance', async (request: FastifyRequest) => await noCache.take(callerOf(request)))

  if (config.rateLimitPerMinute !== undefined) {
    await app.register(rateLimit, {
      global: false,
      max: config.rateLimitPerMinute,
      timeWindow: 60_000,
      hook: 'onRequest',
      // RateLimit-Limit, -Remaining and -Reset (the IETF draft's names, RATE_LIMIT_HEADERS), not X-RateLimit-*.
      enableDraftSpec: true,
      // Shared by the replicas when Redis is there; a Redis failure lets the request through.
      store: app.redis === undefined ? undefined : guardedRateLimitStore(app.redis, REDIS_KEYS.rateLimitPrefix(app.merchantId)),
      skipOnError: true,
      keyGenerator: callerOf,
      errorResponseBuilder: (_request, context) => new ProblemError('rate-limited',
        `At most ${context.max} requests a minute; retry in ${context.after}.`, {}, {}, secondsToWait(context.ttl))
    })
  }

  // After the rate limit's own hook, so guessing tokens is as limited as any other traffic.
  app.addHook('onRoute', (route) => {
    const access = route.config?.access
    const hooks = [access === undefined ? undefined : auth.hookFor(access), refuseBody].filter((hook) => hook !== undefined)
    route.onRequest = withHooks(route.onRequest, ...hooks)
  })
}

declare module 'fastify' {
  interface FastifyInstance {
    callerOf: (request: FastifyRequest) => string
    noCacheAllowance: (request: FastifyRequest) => Promise<WindowVerdict>
  }
}

export default fp(protection, { name: 'protection', dependencies: ['redis', 'wechatpay'] })
