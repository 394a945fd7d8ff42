import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import { createRedisClient } from '../cache/redis-client.js'
import { RedisGuard } from '../cache/redis-guard.js'

export interface RedisPluginOptions {
  url: string | undefined
  commandTimeoutMs: number
}

export interface SharedRedis {
  client: Redis
  /** Shared by every Redis user, so one stalled Redis opens one circuit for all of them. */
  guard: RedisGuard
  /** scheme://host:port, without the password, for logs and readiness. */
  location: string
  /** single, sentinel or cluster: for readiness and metrics. */
  topology: string
}

/**
 * The one Redis connection of this process (cache, fleet lock, upstream budget), or nothing when
 * REDIS_URL is unset. It never blocks start-up for long and never fails it.
 */
async function redisPlugin (app: FastifyInstance, options: RedisPluginOptions): Promise<void> {
  if (options.url === undefined) {
    app.decorate('redis', undefined)
    return
  }
  const client = createRedisClient({ url: options.url, commandTimeoutMs: options.commandTimeoutMs })
  const parsed = new URL(options.url)
  const location = `${parsed.protocol}//${parsed.host}`
  let warned = false
  client.on('ready', () => { warned = false; app.log.info({ redis: location }, 'Redis connected') })
  client.on('error', (err: Error) => {
    // ioredis reconnects for ever; one warning per outage is enough.
    if (!warned) app.log.warn({ redis: location, err: err.message }, 'Redis unavailable; serving without it until it is back')
    warned = true
  })
  const guard = new RedisGuard({
    onStateChange: (state) => {
      if (state === 'open') app.log.warn({ redis: location }, 'Redis failing; not asking it for a few seconds')
      else app.log.info({ redis: location }, 'Redis answering again')
    }
  })
  app.decorate('redis', { client, guard, location, topology: 'single' })
  app.addHook('onClose', async () => { client.disconnect() })
  await firstContact(client)
}

/**
 * Gives Redis a moment to connect so the first requests after start-up already share the cache,
 * but never waits long: a refused connection answers at once, a silent host after a second.
 */
async function firstContact (redis: Redis): Promise<void> {
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
