import { Cluster, Redis, type RedisOptions } from 'ioredis'
import type { RedisSettings } from '../config/redis.js'

export type RedisConnection = Redis | Cluster

// Reconnect quickly at first, then every 2 s, for ever: Redis coming back must never need a restart.
const reconnectDelay = (attempt: number): number => Math.min(100 * attempt, 2_000)

/** No offline queue: a command while disconnected fails at once instead of waiting. */
export function createRedisConnection (settings: RedisSettings, commandTimeoutMs: number): RedisConnection {
  const server: RedisOptions = {
    ...(settings.username === undefined ? {} : { username: settings.username }),
    ...(settings.password === undefined ? {} : { password: settings.password }),
    ...(settings.tls === undefined ? {} : { tls: tlsOptions(settings.tls) }),
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000
  }
  // Commands issued in the same tick share one round trip: the MGET of a hit and others.
  const pipelining = { enableAutoPipelining: true, enableOfflineQueue: false }
  switch (settings.topology) {
    case 'single':
      return new Redis({
        ...server,
        ...pipelining,
        host: settings.node.host,
        port: settings.node.port,
        db: settings.db,
        retryStrategy: reconnectDelay
      })
    case 'sentinel':
      return new Redis({
        ...server,
        ...pipelining,
        sentinels: settings.sentinels,
        name: settings.name,
        role: 'master',
        ...(settings.sentinelPassword === undefined ? {} : { sentinelPassword: settings.sentinelPassword }),
        ...(settings.tls === undefined ? {} : { enableTLSForSentinelMode: true, sentinelTLS: server.tls }),
        retryStrategy: reconnectDelay,
        // So a failover moves us at once rather than when the old primary's connection finally drops.
        failoverDetector: true,
        // A demoted primary answers writes with READONLY (inside a script's error on Redis 6).
        reconnectOnError: (err) => err.message.includes('READONLY'),
        // A sentinel that accepts connections but never answers must not stall finding the primary.
        sentinelCommandTimeout: 1_000
      })
    case 'cluster':
      return new Cluster(settings.nodes, {
        ...pipelining,
        redisOptions: server,
        scaleReads: 'master',
        clusterRetryStrategy: reconnectDelay,
        // ioredis retries MOVED/ASK/CLUSTERDOWN/TRYAGAIN itself; the guard's deadline bounds the wait.
        retryDelayOnFailover: 100,
        retryDelayOnClusterDown: 100,
        retryDelayOnTryAgain: 100,
        slotsRefreshTimeout: 1_000,
        // Without traffic to a moved slot nothing would tell the client.
        slotsRefreshInterval: 5_000
      })
  }
}

/**
 * ioredis can give up by itself (status 'end') in a Sentinel race: a +switch-master arriving during the
 * primary lookup closes the connector under it, likely after a primary crash. Such a client starts again.
 */
export function reconnectIfAbandoned (client: RedisConnection, onAbandoned: () => void = () => {}): () => void {
  let closed = false
  let restart: NodeJS.Timeout | undefined
  client.on('end', () => {
    if (closed) return
    onAbandoned()
    restart = setTimeout(() => { client.connect().catch(() => {}) }, reconnectDelay(1))
  })
  return () => {
    closed = true
    clearTimeout(restart)
    client.disconnect()
  }
}

function tlsOptions (tls: { ca: string | undefined, servername: string | undefined }): { ca?: string, servername?: string } {
  return { ...(tls.ca === undefined ? {} : { ca: tls.ca }), ...(tls.servername === undefined ? {} : { servername: tls.servername }) }
}
