import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'
import { createConfigReader } from '../../src/config/reader.js'
import { readRedisSettings, type RedisSettings } from '../../src/config/redis.js'

export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379'

/** The service's Redis settings for an environment, read as the service reads them. */
export function redisSettings (env: NodeJS.ProcessEnv): RedisSettings {
  const read = createConfigReader(env)
  const settings = readRedisSettings(read)
  read.finish((problems) => { throw new Error(problems.join('; ')) })
  if (settings === undefined) throw new Error('no Redis in this environment')
  return settings
}

/** The machine's shared Redis, as the service's settings. */
export const SHARED_REDIS = redisSettings({ REDIS_URL: SHARED_REDIS_URL })

export interface PrivateRedis {
  port: number
  url: string
  /** Starts (or restarts) the server on its port. */
  start: () => Promise<void>
  stop: () => Promise<void>
}

/**
 * A redis-server of the test's own, on a free loopback port, for what the shared Redis must not
 * suffer: DEBUG SLEEP stalls (enabled here only) and being stopped and started.
 */
export async function privateRedis (): Promise<PrivateRedis> {
  const port = await freePort()
  let child: ChildProcess | undefined
  const url = `redis://127.0.0.1:${port}`
  const stop = async (): Promise<void> => {
    const running = child
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return
    const exited = new Promise((resolve) => running.once('exit', resolve))
    running.kill('SIGKILL')
    await exited
  }
  // A test file that crashes must not leave its server running after the worker exits.
  process.once('exit', () => { child?.kill('SIGKILL') })
  return {
    port,
    url,
    start: async () => {
      // A restart: a second server on the same port would fail to bind, while the first one,
      // no longer tracked, would outlive the tests.
      await stop()
      child = spawn('redis-server', [
        '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--enable-debug-command', 'yes'
      ], { stdio: 'ignore' })
      await waitForPing(url)
    },
    stop
  }
}

async function waitForPing (url: string): Promise<void> {
  const deadline = Date.now() + 5_000
  while (Date.now() < deadline) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    probe.on('error', () => {})
    try {
      await probe.connect()
      if (await probe.ping() === 'PONG') return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50))
    } finally {
      probe.disconnect()
    }
  }
  throw new Error(`redis-server did not answer at ${url}`)
}

export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}
