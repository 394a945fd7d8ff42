import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { SharedRedis } from '../plugins/redis.js'

/**
 * One fixed window per key: the first request sets the expiry; a counter that somehow lost its
 * expiry gets it back instead of limiting its caller for ever. One key, so any Cluster slot will do.
 */
const WINDOW_SCRIPT = `
local current = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if current == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {current, ttl}`

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
      redis.guard.call(async () => await redis.client.eval(WINDOW_SCRIPT, 1, this.#prefix + key, windowMs), undefined).then((answer) => {
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
