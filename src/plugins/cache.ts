import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { CachedPages } from '../cache/cached-pages.js'
import { createPageStores, type PageStoreOptions } from '../cache/page-store-factory.js'
import type { PageStore } from '../cache/page-store.js'
import type { CacheConfig } from '../config/config.js'
import { FleetLock } from '../redis/fleet-lock.js'
import { REDIS_KEYS } from '../redis/keys.js'
import { RedisPageStore } from '../redis/page-store.js'
import type { Endpoint, PurgeQuery } from '../wechatpay/endpoint.js'
import { ENDPOINTS } from '../wechatpay/endpoints/index.js'

export interface CachePluginOptions {
  config: CacheConfig
  fillWaitMs: number
  now?: (() => number) | undefined
  fleetWait?: PageStoreOptions['observeFleetWait']
}

/** Fails open: the service starts and serves without Redis. */
async function cache (app: FastifyInstance, { config, fillWaitMs, now, fleetWait }: CachePluginOptions): Promise<void> {
  const { redis } = app
  const stores = createPageStores({
    shared: redis === undefined
      ? undefined
      : {
          pages: new RedisPageStore(redis.client, redis.guard),
          lock: new FleetLock(redis.client, redis.guard, { now, turn: app.upstreamTurn })
        },
    maxEntries: config.maxEntries,
    maxBytes: config.maxBytes,
    localTtlMs: config.localTtlMs,
    fillWaitMs,
    now,
    observeFleetWait: fleetWait
  })
  if (redis === undefined) {
    app.log.info({ cache: 'memory', max_entries: config.maxEntries, max_bytes: config.maxBytes },
      'cache: in-process memory (no Redis configured); set REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES ' +
      'to share pages between replicas')
  } else {
    app.log.info({ cache: 'redis', redis: redis.status().location }, 'cache: Redis, shared by every replica')
  }

  const mchid = app.merchantId
  const policy = { ttlMs: config.ttlSeconds * 1000, staleMs: config.staleSeconds * 1000 }
  const caches = new Map(ENDPOINTS.map((endpoint) => [endpoint, new CachedPages({
    store: stores.store,
    keysOf: (query) => REDIS_KEYS.page(mchid, endpoint.cacheKey(query)),
    fetch: async (query, turn) => await app.wechatpay.call(endpoint, query, turn),
    fleet: stores.fleet,
    policy,
    share: app.callerShare,
    negative: endpoint.negativeTtlMs === undefined || endpoint.problemFor === undefined
      ? undefined
      : { ttlMs: endpoint.negativeTtlMs, matches: (err) => endpoint.problemFor?.(err) === err.problem },
    now,
    onBackgroundError: (err, query) => {
      app.log.warn({ err, endpoint: endpoint.label, query }, 'cache: background refresh failed; the stale answer stays')
    }
  })]))
  app.decorate('pagesOf', <Q>(endpoint: Endpoint<Q>): CachedPages<Q> => {
    const pages = caches.get(endpoint)
    if (pages === undefined) throw new Error(`endpoint ${endpoint.label} is not in ENDPOINTS`)
    return pages
  })
  // A purge asks every endpoint what it drops, and bumps each group's generations in one transaction
  // (a group is one slot of a Redis Cluster).
  app.decorate('purgeAnswers', async (purge: PurgeQuery): Promise<boolean> => {
    const byGroup = new Map<string, string[]>()
    for (const scope of ENDPOINTS.flatMap((endpoint) => endpoint.purges(purge))) {
      byGroup.set(scope.group, [...byGroup.get(scope.group) ?? [], REDIS_KEYS.purge(mchid, scope)])
    }
    const done = await Promise.all([...byGroup.values()].map(async (keys) => await stores.store.purge(keys)))
    return done.every(Boolean)
  })
  app.decorate('pageStore', stores.store)
  app.addHook('onClose', async () => { await stores.close() })
}

declare module 'fastify' {
  interface FastifyInstance {
    pagesOf: <Q>(endpoint: Endpoint<Q>) => CachedPages<Q>
    purgeAnswers: (purge: PurgeQuery) => Promise<boolean>
    pageStore: PageStore
  }
}

export default fp(cache, { name: 'cache', dependencies: ['wechatpay', 'redis'] })
