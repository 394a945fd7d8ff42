import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { serviceEnvironment } from '../helpers/service-process.js'

// A pod stuck starting must stop on SIGTERM, not wait out its grace period for SIGKILL. In a
// container node is PID 1, where a signal without a handler does nothing; the process runs here as
// PID 1 of a PID namespace of its own (unshare), which behaves the same, while start-up waits on a
// Redis that accepts connections and never answers.

let fake: FakeWechatpay
let silentRedis: Server
const sockets: Socket[] = []
let contacted: Promise<void>

beforeAll(async () => {
  fake = await startFakeWechatpay()
  let contact: () => void = () => {}
  contacted = new Promise((resolve) => { contact = resolve })
  silentRedis = createServer((socket) => { sockets.push(socket); contact() })
  await new Promise<void>((resolve) => silentRedis.listen(0, '127.0.0.1', resolve))
})
afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise((resolve) => silentRedis.close(resolve))
  await fake.simulator.close()
})

/** The pid, in this namespace, of the process unshare started as PID 1 of the new one. */
async function initOf (unsharePid: number): Promise<number> {
  for (let tries = 0; tries < 100; tries++) {
    const children = readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim()
    if (children !== '') return Number(children.split(' ')[0])
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error('unshare started no process')
}

describe('SIGTERM during start-up', () => {
  it('ends the process within 2 s while Redis does not answer, as PID 1', async () => {
    const port = (silentRedis.address() as { port: number }).port
    const child = spawn('unshare', ['--pid', '--fork', '--kill-child', process.execPath, '--import', 'tsx', 'src/server.ts'], {
      env: { PATH: process.env.PATH, ...serviceEnvironment(fake), PORT: '0', REDIS_URL: `redis://127.0.0.1:${port}` },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString() })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { resolve(code) }))
    try {
      const node = await initOf(child.pid as number)
      // Start-up is now waiting on Redis's first answer.
      await contacted
      const sent = Date.now()
      process.kill(node, 'SIGTERM')
      const code = await Promise.race([exited, new Promise<'running'>((resolve) => setTimeout(() => { resolve('running') }, 2_000))])
      expect(code, output).toBe(0)
      expect(Date.now() - sent).toBeLessThan(2_000)
      expect(output).toContain('SIGTERM while starting')
      expect(output).not.toContain('Server listening')
    } finally {
      child.kill('SIGKILL')
      await exited
    }
  }, 30_000)
})
