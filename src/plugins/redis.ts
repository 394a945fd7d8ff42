import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Redis } from 'ioredis'
import { createRedisConnection, type RedisConnection } from '../cache/redis-client.js'
import { RedisGuard } from '../cache/redis-guard.js'
import { hostPort, redisLocation, type RedisSettings } from '../config-redis.js'

export interface RedisPluginOptions {
  settings: RedisSettings | undefined
  commandTimeoutMs: number
}

export type RedisTopology = RedisSettings['topology']

/** What readiness and the metrics say about Redis. */
export interface RedisStatus {
  topology: RedisTopology
  /** Where Redis is, without credentials. */
  location: string
  /**
   * ok: answering; connecting: no connection yet, or between primaries during a failover;
   * failing-open: connected but failing, so the cache is skipped for a few seconds.
   */
  state: 'ok' | 'connecting' | 'failing-open'
  /** The primaries in use: the one Redis, Sentinel's current primary, or a Cluster's primaries. */
  primaries: string[]
}

export interface SharedRedis {
  client: RedisConnection
  /** Shared by every Redis user, so one stalled Redis opens one circuit for all of them. */
  guard: RedisGuard
  topology: RedisTopology
  status: () => RedisStatus
}

/**
 * The Redis connection of this process (cache, fleet lock, upstream budget), for a single Redis,
 * Sentinel or Cluster, or nothing when no Redis is configured. It never blocks start-up for long
 * and never fails it.
 */
async function redisPlugin (app: FastifyInstance, options: RedisPluginOptions): Promise<void> {
  const { settings } = options
  if (settings === undefined) {
    app.decorate('redis', undefined)
    return
  }
  const client = createRedisConnection(settings, options.commandTimeoutMs)
  const location = redisLocation(settings)
  const log = app.log.child({ redis: location, topology: settings.topology })
  const guard = new RedisGuard({
    // A Cluster retries redirects and CLUSTERDOWN on its own; bound the whole call, not each try.
    ...(settings.topology === 'cluster' ? { deadlineMs: options.commandTimeoutMs * 2 } : {}),
    onStateChange: (state) => {
      if (state === 'open') log.warn('Redis failing; not asking it for a few seconds')
      else log.info('Redis answering again')
    }
  })
  let warned = false
  let lastPrimaries = ''
  client.on('ready', () => {
    warned = false
    guard.reconnected()
    const primaries = primariesOf(client, settings).join(',')
    // After a Sentinel failover the same client reconnects to another server: say so.
    if (lastPrimaries !== '' && primaries !== lastPrimaries) log.warn({ primaries, previous: lastPrimaries }, 'Redis primary changed')
    else log.info({ primaries }, 'Redis connected')
    lastPrimaries = primaries
  })
  const unavailable = (err: Error): void => {
    // ioredis reconnects for ever; one warning per outage is enough.
    if (!warned) log.warn({ err: err.message }, 'Redis unavailable; serving without it until it is back')
    warned = true
  }
  client.on('error', unavailable)
  // A Cluster reports its nodes' connection errors separately; a failover is expected to cause some.
  client.on('node error', (err: Error, node: string) => { log.debug({ node, err: err.message }, 'Redis Cluster node error') })

  const up = (): boolean => client.status === 'ready' && guard.healthy()
  app.decorate('redis', {
    client,
    guard,
    topology: settings.topology,
    status: () => ({
      topology: settings.topology,
      location,
      state: up() ? 'ok' : client.status === 'ready' ? 'failing-open' : 'connecting',
      primaries: client.status === 'ready' ? primariesOf(client, settings) : []
    })
  })
  app.addHook('onClose', async () => { client.disconnect() })
  await firstContact(client)
}

function primariesOf (client: RedisConnection, settings: RedisSettings): string[] {
  if (client instanceof Redis) {
    // Sentinel: whichever server the sentinels pointed us to last.
    const address = client.stream?.remoteAddress
    const port = client.stream?.remotePort
    if (settings.topology === 'single' || address === undefined || port === undefined) {
      return settings.topology === 'single' ? [hostPort(settings.node)] : []
    }
    return [hostPort({ host: address, port })]
  }
  return client.nodes('master').map((node) => hostPort({ host: node.options.host ?? '?', port: node.options.port ?? 0 })).sort()
}

/**
 * Gives Redis a moment to connect so the first requests after start-up already share the cache,
 * but never waits long: a refused connection answers at once, a silent host after a second.
 */
async function firstContact (redis: RedisConnection): Promise<void> {
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

declare module 'fastify' {
  interface FastifyInstance {
    redis: SharedRedis | undefined
  }
}

export default fp(redisPlugin, { name: 'redis' })
