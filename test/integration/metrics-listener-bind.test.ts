import { spawn } from 'node:child_process'
import { createServer, type Server } from 'node:net'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/config.js'
import { TEST_ENV } from '../helpers/app.js'
import { freePort } from '../helpers/redis-server.js'

// With METRICS_PORT set, metrics are part of what "started" means: a replica nobody can scrape is
// refused at start, not found out when an alert never fires.
let squatter: Server
let taken: number

beforeAll(async () => {
  squatter = createServer()
  squatter.listen(0, '127.0.0.1')
  await once(squatter, 'listening')
  taken = (squatter.address() as AddressInfo).port
})
afterAll(async () => { await new Promise((resolve) => { squatter?.close(resolve) }) })

describe('a metrics listener that cannot bind', () => {
  it('fails app.listen when METRICS_PORT is taken', async () => {
    const app = await buildApp(loadConfig({ ...TEST_ENV, LOG_LEVEL: 'silent', METRICS_PORT: String(taken), METRICS_HOST: '127.0.0.1' }))
    try {
      await expect(app.listen({ host: '127.0.0.1', port: 0 })).rejects.toThrow(/EADDRINUSE/)
    } finally {
      await app.close()
    }
  })

  it('fails app.listen when METRICS_HOST does not resolve', async () => {
    const app = await buildApp(loadConfig({ ...TEST_ENV, LOG_LEVEL: 'silent', METRICS_PORT: '0', METRICS_HOST: 'metrics.invalid' }))
    try {
      await expect(app.listen({ host: '127.0.0.1', port: 0 })).rejects.toThrow(/ENOTFOUND|EAI_AGAIN/)
    } finally {
      await app.close()
    }
  })

  it('makes the process exit non-zero instead of running ready without metrics', async () => {
    const port = await freePort()
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { PATH: process.env.PATH, ...TEST_ENV, PORT: String(port), METRICS_PORT: String(taken), METRICS_HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
    const timer = setTimeout(() => { child.kill('SIGKILL') }, 30_000)
    const [code] = await once(child, 'exit') as [number | null]
    clearTimeout(timer)
    expect(code).not.toBe(0)
    expect(code).not.toBeNull()
    expect(output).toContain('EADDRINUSE')
  }, 40_000)
})
