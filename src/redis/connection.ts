import { Cluster, Redis, type RedisOptions } from 'ioredis'
import type { RedisSettings } from '../config/redis.js'

/** One Redis or a Cluster: every command this service sends works the same on both. */
export type RedisConnection = Redis | Cluster

// Reconnect quickly at first, then every 2 s, for ever: Redis coming back must never need a restart.
const reconnectDelay = (attempt: number): number => Math.min(100 * attempt, 2_000)

/**
 * An ioredis client for the configured topology, tuned to fail fast and heal by itself: no offline
 * queue (a command while disconnected fails at once instead of waiting), a per-command timeout, and
 * reconnects with capped back-off. The service starts whether or not Redis is there.
 */
export function createRedisConnection (settings: RedisSettings, commandTimeoutMs: number): RedisConnection {
  // What every connection to a Redis server (not a sentinel) shares, whatever the topology.
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
        // Listens for the sentinels' +switch-master, so a failover moves us at once rather than
        // when the old primary's connection finally drops.
        failoverDetector: true,
        // A primary demoted behind our back answers writes with READONLY (inside a script's error
        // message on Redis 6): ask the sentinels again.
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
        // A failover or migration redirects (MOVED/ASK) or briefly refuses (CLUSTERDOWN, TRYAGAIN):
        // ioredis retries those itself; the guard's deadline bounds how long a request waits.
        retryDelayOnFailover: 100,
        retryDelayOnClusterDown: 100,
        retryDelayOnTryAgain: 100,
        slotsRefreshTimeout: 1_000,
        // Without traffic to a moved slot nothing would tell the client; readiness and the
        // metrics should still show the cluster as it is within seconds.
        slotsRefreshInterval: 5_000
      })
  }
}

/**
 * Keeps `client` connecting until the returned function closes it for good. The retryStrategy above
 * retries for ever, but ioredis also gives up by itself (status 'end', no retry scheduled) in one
 * race of Sentinel's: once the primary is lost, the old connection's failover detector is still
 * subscribed to the sentinels while the client asks them for the primary again, and when their
 * +switch-master arrives during that lookup, the detector closes the connector under it; the lookup
 * then fails as "Connection is closed.", exactly as after a disconnect() of ours. A crash of the
 * primary makes this likely: the client keeps asking while the sentinels elect and announce the
 * replica, and each lookup is slow on a loaded machine. Here such a client simply starts again.
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
