import { Redis } from 'ioredis'
import { describe, expect } from 'vitest'
import { hostPort } from '../../src/config/redis.js'
import { startRedisSentinel } from '../helpers/redis-deployments.js'
import { redisSettings } from '../helpers/redis-server.js'
import { sharedRedisSuite } from '../helpers/shared-redis-suite.js'

const FAILOVER = 'a failover (SENTINEL FAILOVER)'
// Last: the killed primary stays down, and no replica is left.
const CRASH = 'a crash of the primary (SIGKILL; the sentinels promote the replica)'

// A primary and its replica watched by three sentinels, on loopback ports of this file's own;
// a password on the data servers, as production deployments have.
describe('Redis Sentinel (primary, replica and three sentinels, real redis-server processes)', () => {
  sharedRedisSuite('sentinel', [FAILOVER, CRASH], async () => {
    const password = 'sentinel-test-password'
    const sentinel = await startRedisSentinel({ sentinels: 3, password })
    const settings = redisSettings({
      REDIS_SENTINELS: sentinel.sentinels.map(hostPort).join(','),
      REDIS_SENTINEL_NAME: sentinel.name,
      REDIS_PASSWORD: password
    })
    const inspector = new Redis({ sentinels: sentinel.sentinels, name: sentinel.name, password })
    return {
      settings,
      password,
      inspector,
      disruptions: {
        [FAILOVER]: async () => {
          const before = await sentinel.primary()
          await sentinel.failover()
          expect(await sentinel.primary()).not.toEqual(before)
        },
        [CRASH]: async () => {
          const { killed, promoted } = await sentinel.killPrimary()
          expect(await sentinel.primary()).toEqual(promoted)
          expect(promoted).not.toEqual(killed)
        }
      },
      primaries: async () => [hostPort(await sentinel.primary())],
      stop: sentinel.stop
    }
  })
})
