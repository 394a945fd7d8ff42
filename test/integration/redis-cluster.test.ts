import { Cluster } from 'ioredis'
import { describe } from 'vitest'
import { hostPort } from '../../src/config-redis.js'
import { startRedisCluster } from '../helpers/redis-deployments.js'
import { redisSettings } from '../helpers/redis-server.js'
import { sharedRedisSuite } from '../helpers/shared-redis-suite.js'

// Three primaries, each with a replica so that CLUSTER FAILOVER has somewhere to go, on loopback
// ports of this file's own; a password, as production clusters have.
describe('Redis Cluster (three primaries with a replica each, real redis-server processes)', () => {
  sharedRedisSuite('cluster', async () => {
    const password = 'cluster-test-password'
    const cluster = await startRedisCluster({ replicasPerPrimary: 1, password })
    const settings = redisSettings({ REDIS_CLUSTER_NODES: cluster.nodes.map(hostPort).join(','), REDIS_PASSWORD: password })
    const inspector = new Cluster(cluster.nodes, { redisOptions: { password } })
    return {
      settings,
      password,
      inspector,
      failover: cluster.failoverFor,
      primaries: async () => {
        // CLUSTER SLOTS: [start, end, [host, port, id] of the primary, ...replicas]
        const slots = await inspector.cluster('SLOTS')
        return [...new Set(slots.flatMap(([, , primary]) => primary === undefined ? [] : [hostPort({ host: primary[0], port: primary[1] })]))]
      },
      stop: cluster.stop
    }
  })
})
