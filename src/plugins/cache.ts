import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { CachedPages } from '../cache/cached-pages.js'
import { FleetFill } from '../cache/fleet-fill.js'
import { FleetLock } from '../cache/fleet-lock.js'
import { LayeredPageStore } from '../cache/layered-store.js'
import { MemoryPageStore } from '../cache/memory-store.js'
import type { PageStore } from '../cache/page-store.js'
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
  const clock = now === undefined ? {} : { now }
  let store: PageStore
  let fleet: FleetFill | undefined
  if (app.redis === undefined) {
    store = new MemoryPageStore({ maxEntries: config.cacheMaxEntries, maxBytes: config.cacheMaxBytes, ...clock })
    app.log.info({ cache: 'memory', max_entries: config.cacheMaxEntries, max_bytes: config.cacheMaxBytes },
      'cache: in-process memory (no Redis configured); set REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES to share pages between replicas')
  } else {
    const { client, guard } = app.redis
    const shared = new RedisPageStore(client, guard)
    const lock = new FleetLock(client, guard, now)
    // Waiters look for another replica's fill in Redis itself, never in this process's copies.
    // The holder renews its lock while it fetches; a dead holder's lock is gone within 2 s (at most
    // half the upstream deadline), while its waiters still wait.
    fleet = new FleetFill({ lock, store: shared, waitMs: config.timeoutMs, lockTtlMs: fleetLockTtlMs(config.timeoutMs), ...clock })
    if (config.cacheLocalTtlMs > 0) {
      const layered = new LayeredPageStore(shared, {
        localTtlMs: config.cacheLocalTtlMs,
        maxEntries: config.cacheMaxEntries,
        maxBytes: config.cacheMaxBytes,
        announcePurge: async (keys) => { await lock.announcePurge(keys) },
        ...clock
      })
      lock.onPurge(() => { layered.dropLocal() })
      lock.onFill((pageKey) => { layered.dropPage(pageKey) })
      store = layered
    } else {
      store = shared
    }
    app.log.info({ cache: 'redis', redis: app.redis.status().location }, 'cache: Redis, shared by every replica')
    app.addHook('onClose', async () => { await lock.close() })
  }

  const pages = new CachedPages({
    mchid: app.merchantId,
    store,
    fetch: async (query) => await app.wechatpay.listCards(query),
    ...(fleet === undefined ? {} : { fleet }),
    policy,
    ...clock,
    onBackgroundError: (err, query) => { app.log.warn({ err, appid: query.appid, offset: query.offset }, 'cache: background refresh failed; the stale page stays') }
  })
  app.decorate('cardsCache', pages)
  app.decorate('pageStore', store)
  app.addHook('onClose', async () => { await store.close() })
}

/** Two seconds, but at most half the upstream deadline (and at least 300 ms), so waiters outlast it. */
export function fleetLockTtlMs (timeoutMs: number): number {
  return Math.max(300, Math.min(2_000, Math.floor(timeoutMs / 2)))
}

declare module 'fastify' {
  interface FastifyInstance {
    cardsCache: CachedPages
    pageStore: PageStore
  }
}

export default fp(cache, { name: 'cache', dependencies: ['wechatpay', 'redis'] })
