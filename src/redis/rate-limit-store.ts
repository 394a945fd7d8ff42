import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { SharedRedis } from './shared-redis.js'
import { RedisWindowCounter } from './window-counter.js'

/**
 * @fastify/rate-limit's store, counting in the shared Redis through the Redis guard like every other
 * Redis call: while Redis fails (or a Cluster is busy redirecting), a request costs at most the
 * guard's bound and is let through (skipOnError), instead of waiting out the client's own retries.
 */
export function guardedRateLimitStore (redis: SharedRedis, prefix: string): FastifyRateLimitStoreCtor {
  class GuardedRedisStore implements FastifyRateLimitStore {
    readonly #prefix: string
    readonly #counter: RedisWindowCounter

    constructor (_options: unknown, keyPrefix = prefix) {
      this.#prefix = keyPrefix
      this.#counter = new RedisWindowCounter(redis, keyPrefix)
    }

    incr (key: string, callback: (error: Error | null, result?: { current: number, ttl: number }) => void, timeWindow?: number): void {
      this.#counter.window(key, timeWindow ?? 60_000).then((window) => {
        if (window === undefined) callback(new Error('Redis unavailable for the rate limit'))
        else callback(null, window)
      }, callback)
    }

    /** One counter per route, as the library's own store keeps them. */
    child (routeOptions: { method?: unknown, url?: unknown, routeInfo?: { method?: unknown, url?: unknown } }): FastifyRateLimitStore {
      const route = routeOptions.routeInfo ?? routeOptions
      return new GuardedRedisStore(undefined, `${this.#prefix}${String(route.method)}${String(route.url)}-`)
    }
  }
  return GuardedRedisStore
}
