import { spawn, type ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { serviceEnvironment } from '../helpers/service-process.js'

let fake: FakeWechatpay
beforeAll(async () => { fake = await startFakeWechatpay() })
afterAll(async () => { await fake.simulator.close() })

interface Server { child: ChildProcess, url: string, exited: Promise<number | null>, output: () => string }

/** The real entry point, src/server.ts, as its own process, configured against the fake WeChat Pay. */
async function startServer (extraEnv: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { PATH: process.env.PATH, ...serviceEnvironment(fake), PORT: '0', LOG_LEVEL: 'info', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { resolve(code) }))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`server did not start:\n${output}`)) }, 15_000)
    const look = (): void => {
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (match?.[1] !== undefined) { clearTimeout(timer); resolve(match[1]) }
    }
    child.stdout?.on('data', look)
  })
  return { child, url, exited, output: () => output }
}

describe('logs of the real process', () => {
  it('are written in batches, yet a lone request\'s line reaches stdout within about a second', async () => {
    const server = await startServer()
    try {
      await (await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'lone-request-1' } })).text()
      const started = Date.now()
      while (!server.output().includes('"reqId":"lone-request-1"')) {
        // The flush interval is a second; allow the machine some slack.
        if (Date.now() - started > 3_000) throw new Error(`the access line never came:\n${server.output()}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    } finally {
      server.child.kill('SIGTERM')
      await server.exited
    }
  }, 30_000)
})

describe('graceful shutdown (close-with-grace)', () => {
  it('on SIGTERM finishes the request in flight, then exits 0', async () => {
    const server = await startServer()
    fake.simulator.enqueue({ kind: 'delay', ms: 800 })
    const inFlight = fetch(`${server.url}/cards?appid=wxshutdown&offset=0&limit=2`)
    await new Promise((resolve) => setTimeout(resolve, 200))
    server.child.kill('SIGTERM')
    const res = await inFlight
    expect(res.status).toBe(200)
    expect((await res.json() as { data: unknown[] }).data).toHaveLength(2)
    const code = await server.exited
    if (code !== 0) console.log(server.output())
    expect(code).toBe(0)
    expect(server.output()).toContain('"signal":"SIGTERM"')
  }, 30_000)

  it('a second signal exits at once, without waiting for the grace period', async () => {
    const server = await startServer({ SHUTDOWN_GRACE_MS: '20000', WECHATPAY_TIMEOUT_MS: '20000' })
    fake.simulator.enqueue({ kind: 'delay', ms: 15_000 })
    const inFlight = fetch(`${server.url}/cards?appid=wxshutdown2&offset=0&limit=2`).catch(() => undefined)
    await new Promise((resolve) => setTimeout(resolve, 200))
    const started = Date.now()
    server.child.kill('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 200))
    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(1)
    expect(Date.now() - started).toBeLessThan(5_000)
    await inFlight
  }, 30_000)
})
