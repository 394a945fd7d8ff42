import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import { CachedPages } from '../cache/cached-pages.js'
import { FleetFill } from '../cache/fleet-fill.js'
import { FleetLock } from '../cache/fleet-lock.js'
import { MemoryPageStore } from '../cache/memory-store.js'
import type { PageStore } from '../cache/page-store.js'
import { createRedisClient } from '../cache/redis-client.js'
import { RedisGuard } from '../cache/redis-guard.js'
import { RedisPageStore } from '../cache/redis-store.js'
import type { Config } from '../config.js'

export interface CachePluginOptions {
  config: Config
  now?: () => number
}

/**
 * The page cache: Redis shared by every replica when REDIS_URL is set, else a bounded LRU in this
 * process. Either way it fails open: the service starts and serves without Redis.
 */
async function cache (app: FastifyInstance, { config, now }: CachePluginOptions): Promise<void> {
  const policy = { ttlMs: config.cacheTtlSeconds * 1000, staleMs: config.cacheStaleSeconds * 1000 }
  let store: PageStore
  let fleet: FleetFill | undefined
  if (config.redisUrl === undefined) {
    store = new MemoryPageStore({ maxEntries: config.cacheMaxEntries, maxBytes: config.cacheMaxBytes, ...(now === undefined ? {} : { now }) })
    app.log.info({ cache: 'memory', max_entries: config.cacheMaxEntries, max_bytes: config.cacheMaxBytes },
      'cache: in-process memory (no REDIS_URL); set REDIS_URL to share pages between replicas')
  } else {
    const redis = createRedisClient({ url: config.redisUrl, commandTimeoutMs: config.redisCommandTimeoutMs })
    const where = redisLocation(config.redisUrl)
    let warned = false
    redis.on('ready', () => { warned = false; app.log.info({ redis: where }, 'cache: Redis connected') })
    redis.on('error', (err: Error) => {
      // ioredis reconnects for ever; one warning per outage is enough.
      if (!warned) app.log.warn({ redis: where, err: err.message }, 'cache: Redis unavailable, serving without it')
      warned = true
    })
    const guard = new RedisGuard({
      onStateChange: (state) => {
        if (state === 'open') app.log.warn({ redis: where }, 'cache: Redis failing, not asking it for a few seconds')
        else app.log.info({ redis: where }, 'cache: Redis answering again')
      }
    })
    store = new RedisPageStore(redis, guard)
    const lock = new FleetLock(redis, guard)
    fleet = new FleetFill({ lock, store, waitMs: config.timeoutMs, lockTtlMs: config.timeoutMs + 2_000, ...(now === undefined ? {} : { now }) })
    app.log.info({ cache: 'redis', redis: where }, 'cache: Redis, shared by every replica')
    await firstContact(redis)
    app.addHook('onClose', async () => {
      await lock.close()
      redis.disconnect()
    })
  }

  const pages = new CachedPages({
    mchid: app.merchantId,
    store,
    fetch: async (query) => await app.wechatpay.listCards(query),
    ...(fleet === undefined ? {} : { fleet }),
    policy,
    ...(now === undefined ? {} : { now }),
    onBackgroundError: (err, query) => { app.log.warn({ err, appid: query.appid, offset: query.offset }, 'cache: background refresh failed; the stale page stays') }
  })
  app.decorate('cardsCache', pages)
  app.decorate('pageStore', store)
  app.addHook('onClose', async () => { await store.close() })
}

/**
 * Gives Redis a moment to connect so the first requests after start-up already share the cache,
 * but never waits long: a refused connection answers at once, a silent host after a second.
 */
async function firstContact (redis: Redis): Promise<void> {
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      redis.off('ready', done)
      redis.off('error', done)
      resolve()
    }
    const timer = setTimeout(done, 1_000)
    redis.once('ready', done)
    redis.once('error', done)
  })
}

/** host:port only: the URL may carry a password. */
function redisLocation (url: string): string {
  const parsed = new URL(url)
  return `${parsed.protocol}//${parsed.host}`
}

declare module 'fastify' {
  interface FastifyInstance {
    cardsCache: CachedPages
    pageStore: PageStore
  }
}

export default fp(cache, { name: 'cache', dependencies: ['wechatpay'] })
