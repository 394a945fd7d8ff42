import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { RedisConfig } from '../config/config.js'
import { redisLocation } from '../config/redis.js'
import { createSharedRedis, firstContact, type SharedRedis } from '../redis/shared-redis.js'

/**
 * Shares the process's Redis connection as `app.redis`, or undefined when no Redis is configured.
 * It never blocks start-up for long and never fails it.
 */
async function redisPlugin (app: FastifyInstance, options: RedisConfig): Promise<void> {
  const { settings } = options
  if (settings === undefined) {
    app.decorate('redis', undefined)
    return
  }
  const log = app.log.child({ redis: redisLocation(settings), topology: settings.topology })
  const redis = createSharedRedis(settings, options.commandTimeoutMs, log)
  app.decorate('redis', redis)
  app.addHook('onClose', async () => { redis.close() })
  await firstContact(redis.client)
}

declare module 'fastify' {
  interface FastifyInstance {
    redis: SharedRedis | undefined
  }
}

export default fp(redisPlugin, { name: 'redis' })
