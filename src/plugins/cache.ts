import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { CachedPages } from '../cache/cached-pages.js'
import { createPageStores, type PageStoreOptions } from '../cache/page-store-factory.js'
import type { PageStore } from '../cache/page-store.js'
import type { CacheConfig } from '../config/config.js'
import { FleetLock } from '../redis/fleet-lock.js'
import { REDIS_KEYS } from '../redis/keys.js'
import { RedisPageStore } from '../redis/page-store.js'
import { CARDS_ENDPOINT, type CardsQuery } from '../wechatpay/endpoints/cards.js'

export interface CachePluginOptions {
  config: CacheConfig
  /** How long a request waits for another replica's fetch of the same page: the upstream deadline. */
  fillWaitMs: number
  now?: (() => number) | undefined
  /** With tracing on: told of every wait for another replica's fetch. */
  fleetWait?: PageStoreOptions['observeFleetWait']
}

/**
 * The page cache: Redis shared by every replica when one is configured, else a bounded LRU in this
 * process. Either way it fails open: the service starts and serves without Redis.
 */
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
  const cards = new CachedPages<CardsQuery>({
    store: stores.store,
    keysOf: (query) => REDIS_KEYS.cardsPage(mchid, query),
    fetch: async (query, granted) => await app.wechatpay.call(CARDS_ENDPOINT, query, granted),
    fleet: stores.fleet,
    policy: { ttlMs: config.ttlSeconds * 1000, staleMs: config.staleSeconds * 1000 },
    share: async (caller, maxWaitMs) => await app.callerShare.take(caller, maxWaitMs),
    now,
    onBackgroundError: (err, query) => {
      app.log.warn({ err, appid: query.appid, offset: query.offset }, 'cache: background refresh failed; the stale page stays')
    }
  })
  app.decorate('cardsCache', cards)
  app.decorate('pageStore', stores.store)
  app.addHook('onClose', async () => { await stores.close() })
}

declare module 'fastify' {
  interface FastifyInstance {
    cardsCache: CachedPages<CardsQuery>
    pageStore: PageStore
  }
}

export default fp(cache, { name: 'cache', dependencies: ['wechatpay', 'redis'] })
