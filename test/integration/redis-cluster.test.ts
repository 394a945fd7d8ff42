import { Cluster } from 'ioredis'
import { describe, expect } from 'vitest'
import { hostPort } from '../../src/config/redis.js'
import { startRedisCluster } from '../helpers/redis-deployments.js'
import { redisSettings } from '../helpers/redis-server.js'
import { sharedRedisSuite } from '../helpers/shared-redis-suite.js'

const FAILOVER = 'a failover (CLUSTER FAILOVER on the replica of the hot page\'s primary)'
const MIGRATION = 'a migration of the hot page\'s slot to another primary'
// Last: the killed primary stays down, and its slot has no replica left.
const CRASH = 'a crash of the hot page\'s primary (SIGKILL; the cluster promotes its replica)'

// Three primaries, each with a replica so that CLUSTER FAILOVER has somewhere to go, on loopback
// ports of this file's own; a password, as production clusters have.
describe('Redis Cluster (three primaries with a replica each, real redis-server processes)', () => {
  sharedRedisSuite('cluster', [FAILOVER, MIGRATION, CRASH], async () => {
    const password = 'cluster-test-password'
    const cluster = await startRedisCluster({ replicasPerPrimary: 1, password })
    const settings = redisSettings({ REDIS_CLUSTER_NODES: cluster.nodes.map(hostPort).join(','), REDIS_PASSWORD: password })
    const inspector = new Cluster(cluster.nodes, { redisOptions: { password } })
    return {
      settings,
      password,
      inspector,
      disruptions: {
        [FAILOVER]: async (key) => {
          const before = await cluster.primaryFor(key)
          await cluster.failoverFor(key)
          expect(await cluster.primaryFor(key)).not.toEqual(before)
        },
        // Half a second with the slot MIGRATING/IMPORTING on each side of the key moves: clients
        // get ASK redirects, and TRYAGAIN for a multi-key read whose keys are split for a moment.
        [MIGRATION]: async (key) => {
          const { from, to } = await cluster.migrateSlotFor(key, { pauseMs: 500 })
          expect(to).not.toEqual(from)
          expect(await cluster.primaryFor(key)).toEqual(to)
        },
        [CRASH]: async (key) => {
          const { killed, promoted } = await cluster.killPrimaryFor(key)
          expect(await cluster.primaryFor(key)).toEqual(promoted)
          expect(promoted).not.toEqual(killed)
        }
      },
      primaries: async () => {
        // CLUSTER SLOTS: [start, end, [host, port, id] of the primary, ...replicas]
        const slots = await inspector.cluster('SLOTS')
        return [...new Set(slots.flatMap(([, , primary]) =>
          primary === undefined ? [] : [hostPort({ host: primary[0], port: primary[1] })]))]
      },
      stop: cluster.stop
    }
  })
})
