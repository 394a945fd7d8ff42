import { Redis } from 'ioredis'

export interface RedisClientOptions {
  url: string
  /** Bound on every command: a stalled Redis costs a request at most this much. */
  commandTimeoutMs: number
}

/**
 * An ioredis client tuned to fail fast and heal by itself: no offline queue (a command while
 * disconnected fails at once instead of waiting), a per-command timeout, and reconnects with
 * capped back-off forever. The service starts whether or not Redis is there.
 */
export function createRedisClient (options: RedisClientOptions): Redis {
  return new Redis(options.url, {
    commandTimeout: options.commandTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(100 * attempt, 2_000),
    // Commands issued in the same tick share one round trip: the MGET of a hit and others.
    enableAutoPipelining: true,
    lazyConnect: false
  })
}
