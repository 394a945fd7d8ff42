import { Redis } from 'ioredis'
import { hostPort, redisLocation, type RedisSettings } from '../config/redis.js'
import { createRedisConnection, reconnectIfAbandoned, type RedisConnection } from './connection.js'
import { RedisGuard } from './guard.js'

export type RedisTopology = RedisSettings['topology']

export interface RedisStatus {
  topology: RedisTopology
  /** Without credentials. */
  location: string
  /** connecting: also between primaries during a failover. */
  state: 'ok' | 'connecting' | 'failing-open'
  primaries: string[]
}

export interface SharedRedis {
  client: RedisConnection
  /** So one stalled Redis opens one circuit for all of its users. */
  guard: RedisGuard
  topology: RedisTopology
  status: () => RedisStatus
  /** Anything else that closes it is reconnected. */
  close: () => void
}

interface Log {
  info: (fields: object, message: string) => void
  warn: (fields: object, message: string) => void
  debug: (fields: object, message: string) => void
}

export function createSharedRedis (settings: RedisSettings, commandTimeoutMs: number, log: Log): SharedRedis {
  const client = createRedisConnection(settings, commandTimeoutMs)
  const guard = new RedisGuard({
    // A Cluster retries redirects and CLUSTERDOWN on its own; bound the whole call, not each try.
    deadlineMs: settings.topology === 'cluster' ? commandTimeoutMs * 2 : undefined,
    onStateChange: (state) => {
      if (state === 'open') log.warn({}, 'Redis failing; not asking it for a few seconds')
      else log.info({}, 'Redis answering again')
    }
  })
  let warned = false
  let lastPrimaries = ''
  client.on('ready', () => {
    warned = false
    guard.reconnected()
    const primaries = primariesOf(client, settings).join(',')
    if (lastPrimaries !== '' && primaries !== lastPrimaries) log.warn({ primaries, previous: lastPrimaries }, 'Redis primary changed')
    else log.info({ primaries }, 'Redis connected')
    lastPrimaries = primaries
  })
  client.on('error', (err: Error) => {
    // ioredis reconnects for ever; one warning per outage is enough.
    if (!warned) log.warn({ err: err.message }, 'Redis unavailable; serving without it until it is back')
    warned = true
  })
  // A Cluster reports its nodes' connection errors separately; a failover is expected to cause some.
  client.on('node error', (err: Error, node: string) => { log.debug({ node, err: err.message }, 'Redis Cluster node error') })

  const close = reconnectIfAbandoned(client, () => { log.warn({}, 'Redis client gave up reconnecting; starting it again') })

  const location = redisLocation(settings)
  const up = (): boolean => client.status === 'ready' && guard.healthy()
  return {
    client,
    guard,
    topology: settings.topology,
    status: () => ({
      topology: settings.topology,
      location,
      state: up() ? 'ok' : client.status === 'ready' ? 'failing-open' : 'connecting',
      primaries: client.status === 'ready' ? primariesOf(client, settings) : []
    }),
    close
  }
}

function primariesOf (client: RedisConnection, settings: RedisSettings): string[] {
  if (client instanceof Redis) {
    const address = client.stream?.remoteAddress
    const port = client.stream?.remotePort
    if (settings.topology === 'single' || address === undefined || port === undefined) {
      return settings.topology === 'single' ? [hostPort(settings.node)] : []
    }
    return [hostPort({ host: address, port })]
  }
  return client.nodes('master').map((node) => hostPort({ host: node.options.host ?? '?', port: node.options.port ?? 0 })).sort()
}

/** Never waits long: a refused connection answers at once, a silent host after a second. */
export async function firstContact (redis: RedisConnection): Promise<void> {
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
