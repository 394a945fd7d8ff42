import { createServer, type Server, type Socket } from 'node:net'
import { Redis } from 'ioredis'
import { afterEach, describe, expect, it } from 'vitest'
import { FleetLock } from '../../src/redis/fleet-lock.js'
import { REDIS_KEYS } from '../../src/redis/keys.js'
import { createSharedRedis, type SharedRedis } from '../../src/redis/shared-redis.js'
import { privateRedis, redisSettings, type PrivateRedis } from '../helpers/redis-server.js'

const NAME = 'reconnect-test'
const HOST = '127.0.0.1'
const quiet = { info: () => {}, warn: () => {}, debug: () => {} }
const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/**
 * A sentinel of the test's own, speaking just enough RESP for ioredis: it names `primary` for
 * GET-MASTER-ADDR-BY-NAME, knows no other sentinels, takes SUBSCRIBE +switch-master (the clients'
 * failover detectors) and answers OK to the rest. While `holding`, it sits on every lookup until
 * `release`, so the test decides what the clients hear while they wait for the answer.
 */
interface FakeSentinel {
  port: number
  primary: number
  /** Connections subscribed to +switch-master. */
  subscribers: Set<Socket>
  holding: boolean
  /** Lookups waiting for `release`. */
  held: Array<() => void>
  release: () => void
  publishSwitch: (from: number, to: number) => void
  close: () => Promise<void>
}

const bulk = (text: string): string => `$${Buffer.byteLength(text)}\r\n${text}\r\n`
const array = (items: string[]): string => `*${items.length}\r\n${items.join('')}`

/** The complete commands at the start of `buffer` (arrays of bulk strings) and the bytes left over. */
function parseCommands (buffer: Buffer): { commands: string[][], rest: Buffer } {
  const line = (from: number): { text: string, next: number } | undefined => {
    const end = buffer.indexOf('\r\n', from)
    return end === -1 ? undefined : { text: buffer.toString('utf8', from, end), next: end + 2 }
  }
  const commands: string[][] = []
  let at = 0
  for (;;) {
    const header = line(at)
    if (header === undefined) break
    const count = Number(header.text.slice(1))
    const args: string[] = []
    let next = header.next
    for (let i = 0; i < count; i++) {
      const size = line(next)
      if (size === undefined) break
      const length = Number(size.text.slice(1))
      if (buffer.length < size.next + length + 2) break
      args.push(buffer.toString('utf8', size.next, size.next + length))
      next = size.next + length + 2
    }
    if (args.length < count) break
    commands.push(args)
    at = next
  }
  return { commands, rest: buffer.subarray(at) }
}

async function startFakeSentinel (primary: number): Promise<FakeSentinel> {
  const subscribers = new Set<Socket>()
  const sockets = new Set<Socket>()
  const fake: FakeSentinel = {
    port: 0,
    primary,
    subscribers,
    holding: false,
    held: [],
    release: () => {
      fake.holding = false
      for (const answer of fake.held.splice(0)) answer()
    },
    publishSwitch: (from, to) => {
      const message = array([bulk('message'), bulk('+switch-master'), bulk(`${NAME} ${HOST} ${from} ${HOST} ${to}`)])
      for (const socket of subscribers) socket.write(message)
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    }
  }
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => { sockets.delete(socket); subscribers.delete(socket) })
    socket.on('error', () => {})
    let pending: Buffer = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      const { commands, rest } = parseCommands(Buffer.concat([pending, chunk]))
      pending = rest
      for (const [command = '', sub = ''] of commands) {
        const verb = `${command} ${sub}`.toUpperCase()
        if (verb === 'SENTINEL GET-MASTER-ADDR-BY-NAME') {
          const answer = (): void => { socket.write(array([bulk(HOST), bulk(String(fake.primary))])) }
          if (fake.holding) fake.held.push(answer)
          else answer()
        } else if (verb === 'SENTINEL SENTINELS') {
          socket.write('*0\r\n')
        } else if (command.toUpperCase() === 'SUBSCRIBE') {
          subscribers.add(socket)
          socket.write(array([bulk('subscribe'), bulk(sub), ':1\r\n']))
        } else {
          socket.write('+OK\r\n')
        }
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  fake.port = address.port
  return fake
}

async function until (what: string, timeoutMs: number, done: () => boolean): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !done(); await sleep(20)) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
  }
}

describe('Sentinel: the service\'s clients after a crash of the primary', () => {
  const cleanup: Array<() => Promise<void> | void> = []
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step()
  })

  // The clients that lost their primary keep asking the sentinels for it; the sentinels announce
  // the promoted replica (+switch-master) whenever they are done, often in the middle of a lookup.
  it('get back to the new primary when +switch-master arrives while they ask a sentinel for the primary', async () => {
    const servers: PrivateRedis[] = [await privateRedis(), await privateRedis()]
    for (const server of servers) { cleanup.push(server.stop); await server.start() }
    const [crashed, promoted] = servers as [PrivateRedis, PrivateRedis]
    const sentinel = await startFakeSentinel(crashed.port)
    cleanup.push(sentinel.close)
    const settings = redisSettings({ REDIS_SENTINELS: `${HOST}:${sentinel.port}`, REDIS_SENTINEL_NAME: NAME })
    // The command client, and the fleet lock's pub/sub copy of it.
    const redis: SharedRedis = createSharedRedis(settings, 500, quiet)
    cleanup.push(redis.close)
    const lock = new FleetLock(redis.client, redis.guard)
    cleanup.push(async () => { await lock.close() })
    const purges: string[][] = []
    lock.onPurge((keys) => { purges.push(keys) })
    const connected = (): boolean => redis.status().state === 'ok' && sentinel.subscribers.size === 2
    await until('both connections and their failover detectors', 5_000, connected)
    expect(redis.status().primaries).toEqual([`${HOST}:${crashed.port}`])

    // The primary dies; both connections ask the sentinel again, which sits on the question...
    sentinel.holding = true
    await crashed.stop()
    await until('both connections to ask the sentinel for the primary', 5_000, () => sentinel.held.length >= 2)
    // ...while the replica is promoted and announced. Each lost connection's failover detector hears
    // it (and, no longer needed, closes its subscription) before the sentinel answers.
    sentinel.primary = promoted.port
    sentinel.publishSwitch(crashed.port, promoted.port)
    await until('the failover detectors to act on +switch-master', 5_000, () => sentinel.subscribers.size === 0)
    sentinel.release()

    await until('the client to answer from the promoted primary', 5_000, () => redis.status().state === 'ok')
    expect(redis.status().primaries).toEqual([`${HOST}:${promoted.port}`])
    expect(await redis.client.ping()).toBe('PONG')
    // The pub/sub copy is back too: purges announced through the new primary reach this replica.
    const publisher = new Redis(promoted.port, HOST)
    cleanup.push(() => { publisher.disconnect() })
    // (Announced until heard: the copy subscribes once it is ready again.)
    for (const deadline = Date.now() + 5_000; purges.length === 0; await sleep(100)) {
      if (Date.now() > deadline) throw new Error('no purge announced on the promoted primary arrived within 5 s')
      await publisher.publish(REDIS_KEYS.purgeChannel, JSON.stringify(['generation']))
    }
    expect(purges[0]).toEqual(['generation'])
  }, 30_000)
})
