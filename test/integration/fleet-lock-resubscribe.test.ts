import { connect, createServer, type Server, type Socket } from 'node:net'
import { Redis } from 'ioredis'
import { afterEach, expect, it } from 'vitest'
import { FleetLock } from '../../src/redis/fleet-lock.js'
import { REDIS_KEYS } from '../../src/redis/keys.js'
import { createSharedRedis } from '../../src/redis/shared-redis.js'
import { privateRedis, redisSettings } from '../helpers/redis-server.js'

const HOST = '127.0.0.1'
const quiet = { info: () => {}, warn: () => {}, debug: () => {} }
const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/** A TCP proxy to a Redis that can drop every connection, and hold back SUBSCRIBE for a while. */
interface Proxy { port: number, subscribeDelayMs: number, dropAll: () => void, close: () => Promise<void> }

async function proxyTo (port: number): Promise<Proxy> {
  const sockets = new Set<Socket>()
  const proxy: Proxy = {
    port: 0,
    subscribeDelayMs: 0,
    dropAll: () => { for (const socket of sockets) socket.destroy() },
    close: async () => {
      proxy.dropAll()
      await new Promise((resolve) => server.close(resolve))
    }
  }
  const server: Server = createServer((client) => {
    const upstream = connect(port, HOST)
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('error', () => {})
      socket.on('close', () => { sockets.delete(socket); client.destroy(); upstream.destroy() })
    }
    client.on('data', (chunk: Buffer) => {
      const delay = /subscribe/i.test(chunk.toString()) ? proxy.subscribeDelayMs : 0
      if (delay === 0) upstream.write(chunk)
      else setTimeout(() => { upstream.write(chunk) }, delay)
    })
    upstream.on('data', (chunk: Buffer) => { client.write(chunk) })
  })
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  proxy.port = address.port
  return proxy
}

const cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

it('the fleet lock\'s subscriber survives a reconnection whose SUBSCRIBE outlasts the command timeout', async () => {
  const unhandled: unknown[] = []
  const collect = (reason: unknown): void => { unhandled.push(reason) }
  process.on('unhandledRejection', collect)
  cleanup.push(() => { process.off('unhandledRejection', collect) })
  const server = await privateRedis()
  cleanup.push(server.stop)
  await server.start()
  const proxy = await proxyTo(server.port)
  cleanup.push(proxy.close)
  const redis = createSharedRedis(redisSettings({ REDIS_URL: `redis://${HOST}:${proxy.port}` }), 150, quiet)
  cleanup.push(redis.close)
  const lock = new FleetLock(redis.client, redis.guard)
  cleanup.push(async () => { await lock.close() })
  const purges: string[][] = []
  lock.onPurge((keys) => { purges.push(keys) })
  const publisher = new Redis(server.port, HOST)
  cleanup.push(() => { publisher.disconnect() })
  /** Announces a purge until this replica hears it (its subscriber may still be on its way). */
  const heard = async (key: string): Promise<void> => {
    for (const deadline = Date.now() + 5_000; !purges.some((keys) => keys.includes(key)); await sleep(100)) {
      if (Date.now() > deadline) throw new Error(`the purge of ${key} never arrived`)
      await publisher.publish(REDIS_KEYS.purgeChannel, JSON.stringify([key]))
    }
  }
  await heard('before')

  // Every connection drops; on the way back Redis takes 300 ms to answer SUBSCRIBE (timeout: 150 ms).
  proxy.subscribeDelayMs = 300
  proxy.dropAll()
  await sleep(1_000)
  expect(unhandled).toEqual([])
  // The subscription went through all the same, the reply only came late.
  await heard('after')
}, 20_000)
