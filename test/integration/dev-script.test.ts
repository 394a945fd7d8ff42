import { spawn } from 'node:child_process'
import { utimesSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { freePort } from '../helpers/redis-server.js'

// `npm run dev` as a developer runs it: the service from source, in sandbox mode, with readable logs,
// started again when a source file changes.
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const WATCHED = fileURLToPath(new URL('../../src/version.ts', import.meta.url))
/** pino-pretty's line: a time, then the level in words, then the message. */
const LISTENING = /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: Server listening at http:\/\/127\.0\.0\.1:\d+$/gm

describe('npm run dev', () => {
  it('runs the service from source with pretty logs, and restarts it when a source file changes', async () => {
    const port = await freePort()
    // Its own process group, so the watcher, the service and pino-pretty all end with the test.
    const child = spawn('npm', ['run', '--silent', 'dev'], {
      cwd: ROOT,
      detached: true,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
    const listening = (): number => [...output.matchAll(LISTENING)].length
    try {
      await expect.poll(listening, { timeout: 30_000, interval: 200 }).toBe(1)
      const res = await fetch(`http://127.0.0.1:${port}/cards?appid=wxea9c30890f48d5ae&offset=0&limit=2`)
      expect(res.status).toBe(200)
      expect(output).toContain('SANDBOX MODE')
      // No JSON log line reaches the terminal.
      expect(output.split('\n').filter((line) => line.startsWith('{"level"'))).toEqual([])

      const now = new Date()
      utimesSync(WATCHED, now, now)
      await expect.poll(listening, { timeout: 30_000, interval: 200 }).toBe(2)
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200)
    } finally {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
    }
  }, 90_000)
})
