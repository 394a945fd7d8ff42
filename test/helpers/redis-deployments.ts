import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { rmSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Redis } from 'ioredis'

export interface RedisNodeAddress { host: string, port: number }

export interface RedisClusterDeployment {
  /** Every node (primaries and replicas), as seeds for a cluster client; a node killed by killPrimaryFor stays listed. */
  nodes: RedisNodeAddress[]
  /** The primary that currently owns the slot of `key`, as CLUSTER SLOTS reports it. */
  primaryFor: (key: string) => Promise<RedisNodeAddress>
  /**
   * Runs CLUSTER FAILOVER on a replica of the primary owning `key`; resolves once that replica owns the
   * slot as seen by every node, cluster_state is ok everywhere and every replica (the former primary
   * included) has its link up again. Throws after ~15 s. Requires replicasPerPrimary 1.
   */
  failoverFor: (key: string) => Promise<void>
  /**
   * Moves the slot of `key` (with every key in it) from the primary that owns it to another primary,
   * the way `redis-cli --cluster reshard` does: SETSLOT IMPORTING on the target, SETSLOT MIGRATING on
   * the source, MIGRATE the keys in batches (GETKEYSINSLOT), then SETSLOT NODE on every primary.
   * Resolves once every node agrees on the new owner (CLUSTER SLOTS / CLUSTER NODES) and cluster_state is ok.
   * `pauseMs` (default 0) waits that long between the MIGRATING/IMPORTING step and the key moves, and
   * between the key moves and the final SETSLOT NODE, so a test can send traffic while the slot is
   * half-migrated (clients then see ASK redirects and TRYAGAIN for multi-key commands).
   */
  migrateSlotFor: (key: string, options?: { pauseMs?: number }) => Promise<{ from: RedisNodeAddress, to: RedisNodeAddress }>
  /**
   * Kills (SIGKILL) the primary that owns the slot of `key`, as a crashed server would die, and
   * resolves once its replica has been promoted by the cluster (cluster-node-timeout) and every
   * surviving node reports cluster_state:ok with the slot owned by the former replica. The killed
   * node stays down. Requires replicasPerPrimary 1. Returns the killed and the promoted address.
   */
  killPrimaryFor: (key: string) => Promise<{ killed: RedisNodeAddress, promoted: RedisNodeAddress }>
  stop: () => Promise<void>
}

export interface RedisSentinelDeployment {
  /** The monitored primary's name, for REDIS_SENTINEL_NAME. */
  name: string
  sentinels: RedisNodeAddress[]
  /** The primary as the sentinels report it (SENTINEL GET-MASTER-ADDR-BY-NAME). */
  primary: () => Promise<RedisNodeAddress>
  /**
   * SENTINEL FAILOVER; resolves once every sentinel reports the former replica as primary and that server
   * says role:master, and the former primary reports role:slave with master_link_status:up. Throws after ~20 s.
   */
  failover: () => Promise<void>
  /**
   * Kills (SIGKILL) the current primary and resolves once every sentinel reports the replica as the
   * new primary and that server says role:master. The killed server stays down (nothing left to
   * replicate to). Returns the killed and the promoted address.
   */
  killPrimary: () => Promise<{ killed: RedisNodeAddress, promoted: RedisNodeAddress }>
  stop: () => Promise<void>
}

const HOST = '127.0.0.1'
const SENTINEL_NAME = 'wxcards-test'
/** The cluster bus listens on the node's port plus this; both must be free. */
const BUS_OFFSET = 10_000
const POLL_MS = 100
/** Keys per MIGRATE call when moving a slot. */
const MIGRATE_BATCH = 100
/** MIGRATE's own timeout; below withRedis's commandTimeout so a stuck transfer fails as a MIGRATE error. */
const MIGRATE_TIMEOUT_MS = 1_000

const execFileAsync = promisify(execFile)

/** Every child of every deployment in this process, so that an exiting (or crashing) test run leaves no orphans. */
const running = new Set<ChildProcess>()
/** Temp dirs of deployments not stopped yet, removed on exit too. */
const liveDirs = new Set<string>()
/** Ports (bus ports included) this process's deployments hold, so two deployments in one file never collide. */
const claimed = new Set<number>()
let exitHookInstalled = false

/**
 * What one deployment owns: its children (and which port each serves), its claimed ports, the temp dir for
 * config and node files, and the ports of servers killed on purpose (their ports stay claimed until stop).
 */
interface Group { dir: string, children: ChildProcess[], ports: number[], servers: Map<number, ChildProcess>, killed: Set<number> }

/**
 * Three primaries, each with `replicasPerPrimary` replicas (default 0), joined by `redis-cli --cluster create`.
 * Resolves once every node sees all 16384 slots served and, with replicas, every replica is in sync.
 */
export async function startRedisCluster (options: { replicasPerPrimary?: 0 | 1, password?: string } = {}): Promise<RedisClusterDeployment> {
  const replicasPerPrimary = options.replicasPerPrimary ?? 0
  const password = options.password
  const group = await newGroup('redis-cluster-')
  try {
    const ports = await Promise.all(Array.from({ length: 3 * (1 + replicasPerPrimary) }, async () => await startServer(group, {
      withBus: true,
      password,
      args: async (port) => [
        ...dataNodeArgs(port, group.dir, password),
        '--cluster-enabled', 'yes',
        '--cluster-config-file', join(group.dir, `nodes-${port}.conf`),
        '--cluster-node-timeout', '2000'
      ]
    })))
    await redisCli(password, [
      '--cluster', 'create', ...ports.map((port) => `${HOST}:${port}`), '--cluster-replicas', String(replicasPerPrimary), '--cluster-yes'
    ])
    const nodes = ports.map((port) => ({ host: HOST, port }))
    /** The nodes not killed by killPrimaryFor: the only ones polled, so a dead node never stalls a wait. */
    const alive = (): RedisNodeAddress[] => nodes.filter((node) => !group.killed.has(node.port))
    await waitUntil('every cluster node to report cluster_state:ok with all slots and every replica in sync', 10_000,
      async () => await clusterUnsettled(nodes, group.killed, password))
    /** Why `owner` does not yet own `slot` as seen by every live node with the cluster settled, or undefined. */
    const ownedEverywhere = async (slot: number, owner: RedisNodeAddress): Promise<string | undefined> => {
      for (const node of alive()) {
        const seen = await withRedis(node, password, async (redis) => ownerOf(await redis.call('CLUSTER', 'SLOTS'), slot))
        if (seen?.primary.port !== owner.port) return `${node.port} sees slot ${slot} on ${String(seen?.primary.port)}`
      }
      return await clusterUnsettled(nodes, group.killed, password)
    }

    return {
      nodes,
      primaryFor: async (key) => (await slotOf(alive(), password, key)).primary,
      failoverFor: async (key) => {
        if (replicasPerPrimary === 0) throw new Error('failoverFor needs a cluster started with replicasPerPrimary: 1')
        const { slot, replicas } = await slotOf(alive(), password, key)
        const replica = replicas[0]
        if (replica === undefined) {
          const killedNote = group.killed.size > 0 ? ' (its former primary was killed by killPrimaryFor)' : ''
          throw new Error(`no replica serves slot ${slot}${killedNote}`)
        }
        await withRedis(replica, password, async (redis) => await redis.call('CLUSTER', 'FAILOVER'))
        await waitUntil(`${replica.host}:${replica.port} to own slot ${slot} on every node after CLUSTER FAILOVER`, 15_000,
          async () => await ownedEverywhere(slot, replica))
      },
      migrateSlotFor: async (key, migrateOptions = {}) => {
        const pauseMs = migrateOptions.pauseMs ?? 0
        const { slot, primary: from, id: fromId } = await slotOf(alive(), password, key)
        // Only primaries take part: after failoverFor the first primaries may have become replicas.
        const primaries = (await withRedis(from, password, async (redis) => clusterNodes(await redis.call('CLUSTER', 'NODES'))))
          .filter((node) => node.flags.includes('master') && !node.flags.some((flag) => flag.includes('fail')))
          .sort((a, b) => deploymentIndex(nodes, a.address) - deploymentIndex(nodes, b.address))
        const target = primaries.find((primary) => primary.id !== fromId)
        if (target === undefined) throw new Error(`no primary other than ${from.port} to move slot ${slot} to`)
        const to = target.address
        await withRedis(to, password, async (redis) => await redis.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', fromId))
        await withRedis(from, password, async (redis) => await redis.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', target.id))
        await sleep(pauseMs)
        await withRedis(from, password, async (redis) => { await moveKeys(redis, slot, to, password) })
        await sleep(pauseMs)
        // Target first, so the source only stops answering ASK once the target owns the slot; then the rest.
        const others = primaries.filter((primary) => primary.id !== fromId && primary.id !== target.id).map((primary) => primary.address)
        for (const primary of [to, from, ...others]) {
          await withRedis(primary, password, async (redis) => await redis.call('CLUSTER', 'SETSLOT', slot, 'NODE', target.id))
        }
        await waitUntil(`${to.port} to own slot ${slot} on every node, with no node still migrating or importing it`, 15_000, async () => {
          for (const node of alive()) {
            const [slots, nodesReply] = await withRedis(node, password, async (redis) => [
              await redis.call('CLUSTER', 'SLOTS'),
              await redis.call('CLUSTER', 'NODES')
            ])
            const owner = ownerOf(slots, slot)
            if (owner?.primary.port !== to.port) return `${node.port} sees slot ${slot} on ${String(owner?.primary.port)}`
            // A node lists its own open migrations as [slot->-id] or [slot-<-id] in CLUSTER NODES.
            if (typeof nodesReply === 'string' && nodesReply.includes(`[${slot}-`)) {
              return `${node.port} still migrates or imports slot ${slot}`
            }
          }
          return await clusterUnsettled(nodes, group.killed, password)
        })
        return { from, to }
      },
      killPrimaryFor: async (key) => {
        if (replicasPerPrimary === 0) throw new Error('killPrimaryFor needs a cluster started with replicasPerPrimary: 1')
        const { slot, primary: killed, replicas } = await slotOf(alive(), password, key)
        const promoted = replicas[0]
        if (promoted === undefined) {
          throw new Error(`no replica serves slot ${slot}, so killing its primary ${killed.port} would leave the slot unserved`)
        }
        await crash(group, killed)
        await waitUntil(
          `${promoted.port} to be promoted and own slot ${slot} on every surviving node after killing its primary ${killed.port}`,
          20_000,
          async () => await ownedEverywhere(slot, promoted)
        )
        return { killed, promoted }
      },
      stop: async () => await stopGroup(group)
    }
  } catch (error) {
    await stopGroup(group)
    throw error
  }
}

/**
 * A primary, one replica and 1 (default) or 3 sentinels monitoring them as `wxcards-test`. Resolves once
 * the replica is in sync and every sentinel knows it (and, with three, the other two sentinels), since
 * SENTINEL FAILOVER refuses until a sentinel knows a healthy replica.
 */
export async function startRedisSentinel (options: { sentinels?: 1 | 3, password?: string } = {}): Promise<RedisSentinelDeployment> {
  const sentinelCount = options.sentinels ?? 1
  const password = options.password
  const name = SENTINEL_NAME
  const group = await newGroup('redis-sentinel-')
  try {
    // Both data nodes get masterauth: the primary becomes a replica after a failover.
    const primaryPort = await startServer(group, {
      withBus: false,
      password,
      args: async (port) => dataNodeArgs(port, group.dir, password)
    })
    const replicaPort = await startServer(group, {
      withBus: false,
      password,
      args: async (port) => [...dataNodeArgs(port, group.dir, password), '--replicaof', HOST, String(primaryPort)]
    })
    const dataNodes = [primaryPort, replicaPort].map((port) => ({ host: HOST, port }))
    await waitUntil(`the replica on ${replicaPort} to sync from ${primaryPort}`, 10_000,
      async () => await replicaUnsynced({ host: HOST, port: replicaPort }, primaryPort, password))

    const quorum = sentinelCount === 1 ? 1 : 2
    const sentinelPorts = await Promise.all(Array.from({ length: sentinelCount }, async () => await startServer(group, {
      withBus: false,
      password: undefined,
      args: async (port) => {
        const file = join(group.dir, `sentinel-${port}.conf`)
        // Sentinel rewrites this file with what it learns, hence a writable copy per sentinel.
        await writeFile(file, [
          `port ${port}`,
          `bind ${HOST}`,
          `dir ${quoteConfig(group.dir)}`,
          `sentinel monitor ${name} ${HOST} ${primaryPort} ${quorum}`,
          `sentinel down-after-milliseconds ${name} 1000`,
          `sentinel failover-timeout ${name} 10000`,
          ...(password === undefined ? [] : [`sentinel auth-pass ${name} ${quoteConfig(password)}`]),
          ''
        ].join('\n'))
        return [file, '--sentinel']
      }
    })))
    const sentinels = sentinelPorts.map((port) => ({ host: HOST, port }))
    await waitUntil('every sentinel to know a healthy replica and the other sentinels', 15_000, async () => {
      for (const sentinel of sentinels) {
        const [replicas, peers] = await withRedis(sentinel, undefined, async (redis) => [
          await redis.call('SENTINEL', 'REPLICAS', name),
          await redis.call('SENTINEL', 'SENTINELS', name)
        ])
        const healthy = asArray(replicas).map(fieldsOf)
          .some((fields) => fields.get('port') === String(replicaPort) && fields.get('flags') === 'slave')
        if (!healthy) return `sentinel ${sentinel.port} knows no healthy replica yet`
        if (asArray(peers).length !== sentinelCount - 1) {
          return `sentinel ${sentinel.port} knows ${asArray(peers).length} of ${sentinelCount - 1} other sentinels`
        }
      }
      return undefined
    })

    const primary = async (): Promise<RedisNodeAddress> => await firstAnswer(sentinels, async (sentinel) =>
      await withRedis(sentinel, undefined, async (redis) => toAddress(await redis.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name))))
    /** The current primary and the data node to promote next; throws if that one was killed by killPrimary. */
    const roles = async (caller: string): Promise<{ former: RedisNodeAddress, promoted: RedisNodeAddress }> => {
      const former = await primary()
      const promoted = dataNodes.find((node) => node.port !== former.port)
      if (promoted === undefined) throw new Error(`sentinels report an unknown primary ${former.host}:${former.port}`)
      if (group.killed.has(promoted.port)) throw new Error(`${caller} needs a replica, but ${promoted.port} was killed by killPrimary`)
      return { former, promoted }
    }
    /** Why not every sentinel reports `promoted` as primary with the server itself saying role:master yet, or undefined. */
    const promotionUnmet = async (promoted: RedisNodeAddress): Promise<string | undefined> => {
      for (const sentinel of sentinels) {
        const reported = await withRedis(sentinel, undefined,
          async (redis) => toAddress(await redis.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)))
        if (reported.port !== promoted.port) return `sentinel ${sentinel.port} still reports ${reported.port}`
      }
      const role = (await replication(promoted, password)).get('role')
      return role === 'master' ? undefined : `${promoted.port} says role:${String(role)}`
    }

    return {
      name,
      sentinels,
      primary,
      failover: async () => {
        const { former, promoted } = await roles('failover')
        // Right after a previous failover a sentinel may still answer NOGOODSLAVE or INPROG: ask again.
        await waitUntil(`sentinel ${sentinelPorts[0]} to accept SENTINEL FAILOVER`, 5_000, async () => {
          const sentinel = sentinels[0]
          if (sentinel === undefined) throw new Error('no sentinel')
          const answer = await withRedis(sentinel, undefined, async (redis) => await redis.call('SENTINEL', 'FAILOVER', name))
          return answer === 'OK' ? undefined : 'no OK'
        })
        await waitUntil(`${promoted.port} to be the primary and ${former.port} its replica after SENTINEL FAILOVER`, 20_000,
          async () => await promotionUnmet(promoted) ?? await replicaUnsynced(former, promoted.port, password))
      },
      killPrimary: async () => {
        const { former: killed, promoted } = await roles('killPrimary')
        await crash(group, killed)
        await waitUntil(
          `every sentinel to report ${promoted.port} as primary and it to say role:master after killing the primary ${killed.port}`,
          20_000,
          async () => await promotionUnmet(promoted)
        )
        return { killed, promoted }
      },
      stop: async () => await stopGroup(group)
    }
  } catch (error) {
    await stopGroup(group)
    throw error
  }
}

function dataNodeArgs (port: number, dir: string, password: string | undefined): string[] {
  return [
    '--port', String(port),
    '--bind', HOST,
    '--save', '',
    '--appendonly', 'no',
    '--dir', dir,
    // Redis 7.0 defaults to waiting 5 s for more replicas before a diskless full sync.
    '--repl-diskless-sync-delay', '0',
    ...(password === undefined ? [] : ['--requirepass', password, '--masterauth', password])
  ]
}

/**
 * Why the cluster is not settled yet, or undefined once it is. Only the nodes not in `killed` are asked. Each
 * killed node was a primary whose replica took over: the survivors still count it among the known nodes
 * (flagged fail), and there is one healthy replica fewer per killed node.
 */
async function clusterUnsettled (
  nodes: RedisNodeAddress[],
  killed: ReadonlySet<number>,
  password: string | undefined
): Promise<string | undefined> {
  const expectedReplicas = nodes.length - 3 - killed.size
  for (const node of nodes.filter((candidate) => !killed.has(candidate.port))) {
    const info = parseInfo(await withRedis(node, password, async (redis) => await redis.call('CLUSTER', 'INFO')))
    if (info.get('cluster_state') !== 'ok') return `${node.port} reports cluster_state:${String(info.get('cluster_state'))}`
    if (info.get('cluster_slots_ok') !== '16384') return `${node.port} reports cluster_slots_ok:${String(info.get('cluster_slots_ok'))}`
    if (info.get('cluster_known_nodes') !== String(nodes.length)) {
      return `${node.port} knows ${String(info.get('cluster_known_nodes'))} nodes`
    }
    // Roles spread by gossip: right after creation a node may still see a replica as an empty primary.
    const replicas = await withRedis(node, password, async (redis) => replicaCount(await redis.call('CLUSTER', 'NODES')))
    if (replicas !== expectedReplicas) return `${node.port} sees ${replicas} of ${expectedReplicas} healthy replicas`
    const replicationInfo = await replication(node, password)
    if (replicationInfo.get('role') === 'slave' && replicationInfo.get('master_link_status') !== 'up') {
      return `replica ${node.port} has master_link_status:${String(replicationInfo.get('master_link_status'))}`
    }
  }
  return undefined
}

/** Why `node` is not yet an in-sync replica of the server on `primaryPort`, or undefined once it is. */
async function replicaUnsynced (node: RedisNodeAddress, primaryPort: number, password: string | undefined): Promise<string | undefined> {
  const info = await replication(node, password)
  if (info.get('role') !== 'slave') return `${node.port} says role:${String(info.get('role'))}`
  if (info.get('master_port') !== String(primaryPort)) return `${node.port} replicates ${String(info.get('master_port'))}`
  if (info.get('master_link_status') !== 'up') return `${node.port} has master_link_status:${String(info.get('master_link_status'))}`
  return undefined
}

async function replication (node: RedisNodeAddress, password: string | undefined): Promise<Map<string, string>> {
  return parseInfo(await withRedis(node, password, async (redis) => await redis.call('INFO', 'replication')))
}

async function slotOf (
  nodes: RedisNodeAddress[],
  password: string | undefined,
  key: string
): Promise<{ slot: number, primary: RedisNodeAddress, id: string, replicas: RedisNodeAddress[] }> {
  return await firstAnswer(nodes, async (node) => await withRedis(node, password, async (redis) => {
    const slot = await redis.call('CLUSTER', 'KEYSLOT', key)
    if (typeof slot !== 'number') throw new Error(`CLUSTER KEYSLOT answered ${String(slot)}`)
    const owner = ownerOf(await redis.call('CLUSTER', 'SLOTS'), slot)
    if (owner === undefined) throw new Error(`${node.port} knows no owner of slot ${slot}`)
    return { slot, primary: owner.primary, id: owner.id, replicas: replicasOf(await redis.call('CLUSTER', 'NODES'), owner.id) }
  }))
}

/** The primary CLUSTER SLOTS lists for `slot`: [[start, end, [host, port, id, ...], ...replicas], ...]. */
function ownerOf (slots: unknown, slot: number): { primary: RedisNodeAddress, id: string } | undefined {
  for (const range of asArray(slots)) {
    const [start, end, primary] = asArray(range)
    if (typeof start === 'number' && typeof end === 'number' && start <= slot && slot <= end) {
      return { primary: toAddress(primary), id: String(asArray(primary)[2]) }
    }
  }
  return undefined
}

/**
 * The healthy replicas of `primaryId` from CLUSTER NODES lines (`id host:port@bus flags primaryId ...`).
 * Not from CLUSTER SLOTS: Redis 7.0 leaves out replicas whose replication offset is still 0, which is
 * every replica of a fresh cluster until its primary's first write or 10 s replication ping.
 */
function replicasOf (nodesReply: unknown, primaryId: string): RedisNodeAddress[] {
  return clusterNodes(nodesReply)
    .filter((node) => node.master === primaryId && node.flags.includes('slave') && !node.flags.some((flag) => flag.includes('fail')))
    .map((node) => node.address)
}

/** Replicas not flagged fail or fail? (a killed primary keeps its master flag, but not every version may say so). */
function replicaCount (nodesReply: unknown): number {
  return clusterNodes(nodesReply).filter((node) => node.flags.includes('slave') && !node.flags.some((flag) => flag.includes('fail'))).length
}

/** The lines of a CLUSTER NODES reply (`id host:port@bus flags primaryId ...`) that name an address. */
function clusterNodes (nodesReply: unknown): Array<{ id: string, address: RedisNodeAddress, flags: string[], master: string }> {
  if (typeof nodesReply !== 'string') throw new Error(`expected CLUSTER NODES text, got ${JSON.stringify(nodesReply)}`)
  const nodes: Array<{ id: string, address: RedisNodeAddress, flags: string[], master: string }> = []
  for (const line of nodesReply.split('\n')) {
    const [id, address, flags, master] = line.split(' ')
    if (id === undefined || address === undefined || flags === undefined || master === undefined) continue
    const match = /^(.+):(\d+)@/.exec(address)
    if (match?.[1] !== undefined && match[2] !== undefined) {
      nodes.push({ id, address: { host: match[1], port: Number(match[2]) }, flags: flags.split(','), master })
    }
  }
  return nodes
}

/** Where `address` is in the deployment's node list (unknown ones last), so "the first other primary" is stable. */
function deploymentIndex (nodes: RedisNodeAddress[], address: RedisNodeAddress): number {
  const index = nodes.findIndex((node) => node.host === address.host && node.port === address.port)
  return index === -1 ? nodes.length : index
}

/**
 * MIGRATEs the keys of `slot` from the connected source to `target` in batches until GETKEYSINSLOT
 * finds none. Keys travel as buffers so binary names survive; REPLACE because a retried batch may
 * already have landed. Throws after ~15 s rather than looping forever.
 */
async function moveKeys (source: Redis, slot: number, target: RedisNodeAddress, password: string | undefined): Promise<void> {
  const auth = password === undefined ? [] : ['AUTH', password]
  const deadline = Date.now() + 15_000
  while (true) {
    const keys = asArray(await source.callBuffer('CLUSTER', 'GETKEYSINSLOT', slot, MIGRATE_BATCH)).map((name) => {
      if (!Buffer.isBuffer(name)) throw new Error(`CLUSTER GETKEYSINSLOT answered a non-key ${JSON.stringify(name)}`)
      return name
    })
    if (keys.length === 0) return
    if (Date.now() >= deadline) {
      throw new Error(`timed out after 15000 ms moving the keys of slot ${slot} to ${target.port} (${keys.length} left in the last batch)`)
    }
    await source.callBuffer('MIGRATE', target.host, target.port, '', 0, MIGRATE_TIMEOUT_MS, 'REPLACE', ...auth, 'KEYS', ...keys)
  }
}

function toAddress (reply: unknown): RedisNodeAddress {
  const [host, port] = asArray(reply)
  const portNumber = typeof port === 'string' ? Number(port) : port
  if (typeof host !== 'string' || typeof portNumber !== 'number' || !Number.isInteger(portNumber)) {
    throw new Error(`not an address: ${JSON.stringify(reply)}`)
  }
  return { host, port: portNumber }
}

function asArray (reply: unknown): unknown[] {
  if (!Array.isArray(reply)) throw new Error(`expected an array reply, got ${JSON.stringify(reply)}`)
  return reply
}

/** SENTINEL REPLICAS and friends answer flat [field, value, field, value, ...] lists. */
function fieldsOf (reply: unknown): Map<string, string> {
  const flat = asArray(reply)
  const fields = new Map<string, string>()
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(String(flat[i]), String(flat[i + 1]))
  return fields
}

function parseInfo (reply: unknown): Map<string, string> {
  if (typeof reply !== 'string') throw new Error(`expected an INFO text, got ${JSON.stringify(reply)}`)
  const fields = new Map<string, string>()
  for (const line of reply.split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1))
  }
  return fields
}

/** Redis config files split on spaces; a quoted value keeps temp paths and passwords whole. */
function quoteConfig (value: string): string {
  return `"${value.replace(/[\\"]/g, (character) => `\\${character}`)}"`
}

async function redisCli (password: string | undefined, args: string[]): Promise<void> {
  const auth = password === undefined ? [] : ['-a', password, '--no-auth-warning']
  try {
    await execFileAsync('redis-cli', [...auth, ...args], { timeout: 20_000 })
  } catch (error) {
    const output = error instanceof Error && 'stdout' in error
      ? ` ${String(error.stdout)}${'stderr' in error ? String(error.stderr) : ''}`
      : ''
    throw new Error(`redis-cli ${args.join(' ')} failed:${output}`, { cause: error })
  }
}

/** A short-lived connection that neither retries nor queues, so a dead node fails the call at once. */
async function withRedis<T> (node: RedisNodeAddress, password: string | undefined, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({
    host: node.host,
    port: node.port,
    password,
    lazyConnect: true,
    enableReadyCheck: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1_000,
    commandTimeout: 2_000
  })
  redis.on('error', () => {})
  try {
    await redis.connect()
    return await use(redis)
  } finally {
    redis.disconnect()
  }
}

async function firstAnswer<T> (nodes: RedisNodeAddress[], ask: (node: RedisNodeAddress) => Promise<T>): Promise<T> {
  let lastError: unknown = new Error('no node to ask')
  for (const node of nodes) {
    try {
      return await ask(node)
    } catch (error) {
      lastError = error
    }
  }
  throw lastError
}

/** Polls `unmet` (which says what is still missing, or undefined when done) until it is done or the deadline passes. */
async function waitUntil (what: string, timeoutMs: number, unmet: () => Promise<string | undefined>): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let reason: string | undefined
  while (true) {
    try {
      reason = await unmet()
      if (reason === undefined) return
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error)
    }
    if (Date.now() >= deadline) break
    await sleep(POLL_MS)
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${reason})`)
}

async function sleep (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}

async function newGroup (prefix: string): Promise<Group> {
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.once('exit', () => {
      for (const child of running) child.kill('SIGKILL')
      for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true })
    })
  }
  const dir = await mkdtemp(join(tmpdir(), prefix))
  liveDirs.add(dir)
  return { dir, children: [], ports: [], servers: new Map(), killed: new Set() }
}

async function stopGroup (group: Group): Promise<void> {
  // killAndWait skips children that already exited, those killed by crash included.
  await Promise.all(group.children.map(killAndWait))
  group.children.length = 0
  group.servers.clear()
  for (const port of group.ports) claimed.delete(port)
  group.ports.length = 0
  await rm(group.dir, { recursive: true, force: true })
  liveDirs.delete(group.dir)
}

/**
 * SIGKILLs the server on `node`, as a crash would end it (no shutdown, no final save), and waits until it
 * has exited. It is remembered as killed, so polls skip it; its ports stay claimed until the group stops.
 */
async function crash (group: Group, node: RedisNodeAddress): Promise<void> {
  const child = group.servers.get(node.port)
  if (child === undefined) throw new Error(`no server of this deployment runs on ${node.host}:${node.port}`)
  group.killed.add(node.port)
  await killAndWait(child)
}

async function killAndWait (child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exited
}

/**
 * Starts redis-server on a port of its own. Other test processes pick ports too, so a port free when
 * checked may be taken before redis-server binds it: then the child exits (or someone else's server
 * answers), and we try another port.
 */
async function startServer (
  group: Group,
  options: { withBus: boolean, password: string | undefined, args: (port: number) => Promise<string[]> }
): Promise<number> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const port = await claimPort(options.withBus)
    group.ports.push(port, ...(options.withBus ? [port + BUS_OFFSET] : []))
    const child = spawn('redis-server', await options.args(port), { stdio: 'ignore' })
    child.on('error', () => {})
    running.add(child)
    child.once('exit', () => running.delete(child))
    group.children.push(child)
    if (await answersAsItself(port, child, options.password)) {
      group.servers.set(port, child)
      return port
    }
    await killAndWait(child)
  }
  throw new Error('redis-server could not start on any of 5 ports')
}

/** True once the server on `port` is our child (its INFO process_id), false if the child exited first. */
async function answersAsItself (port: number, child: ChildProcess, password: string | undefined): Promise<boolean> {
  const deadline = Date.now() + 5_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false
    try {
      const info = parseInfo(await withRedis({ host: HOST, port }, password, async (redis) => await redis.call('INFO', 'server')))
      if (info.get('process_id') === String(child.pid)) return true
    } catch {}
    await sleep(50)
  }
  throw new Error(`redis-server did not answer on ${HOST}:${port} within 5 s`)
}

/** A random port in 20000–39999 (so port + 10000 stays valid) that, with its bus port if asked, can be bound now. */
async function claimPort (withBus: boolean): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = randomInt(20_000, 40_000)
    const wanted = withBus ? [port, port + BUS_OFFSET] : [port]
    if (wanted.some((candidate) => claimed.has(candidate))) continue
    // Claimed before the (async) check, so concurrent starts in this process never pick the same port.
    for (const candidate of wanted) claimed.add(candidate)
    if (await canListen(wanted)) return port
    for (const candidate of wanted) claimed.delete(candidate)
  }
  throw new Error('found no free loopback port in 20000–39999')
}

async function canListen (ports: number[]): Promise<boolean> {
  for (const port of ports) {
    const server = createServer()
    const listening = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false))
      server.listen({ port, host: HOST, exclusive: true }, () => resolve(true))
    })
    if (listening) await new Promise((resolve) => server.close(resolve))
    if (!listening) return false
  }
  return true
}
