import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import { COUNT_IN_WINDOW } from './scripts.js'
import type { SharedRedis } from './shared-redis.js'

/**
 * @fastify/rate-limit's store, counting in the shared Redis through the Redis guard like every other
 * Redis call: while Redis fails (or a Cluster is busy redirecting), a request costs at most the
 * guard's bound and is let through (skipOnError), instead of waiting out the client's own retries.
 */
export function guardedRateLimitStore (redis: SharedRedis, prefix: string): FastifyRateLimitStoreCtor {
  class GuardedRedisStore implements FastifyRateLimitStore {
    readonly #prefix: string

    constructor (_options: unknown, keyPrefix = prefix) {
      this.#prefix = keyPrefix
    }

    incr (key: string, callback: (error: Error | null, result?: { current: number, ttl: number }) => void, timeWindow?: number): void {
      const windowMs = timeWindow ?? 60_000
      redis.guard.call(async () => await redis.client.eval(COUNT_IN_WINDOW, 1, this.#prefix + key, windowMs), undefined).then((answer) => {
        if (!Array.isArray(answer)) {
          callback(new Error('Redis unavailable for the rate limit'))
          return
        }
        callback(null, { current: Number(answer[0]), ttl: Number(answer[1]) })
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
