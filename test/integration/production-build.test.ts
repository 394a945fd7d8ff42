import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundle } from '../../scripts/build.js'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { rawExchange, parseRaw } from '../helpers/raw-http.js'
import { freePort } from '../helpers/redis-server.js'
import { serviceEnvironment, startServiceProcess, type ServiceProcess } from '../helpers/service-process.js'
import { uniqueAppid } from '../helpers/unique.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const PRELOAD = fileURLToPath(new URL('../helpers/loaded-packages.mjs', import.meta.url))

// The bundle goes into a directory of the repository, as dist/ does: it reads ../package.json and
// resolves the packages left out of it from the repository's node_modules.
let outdir: string
let fake: FakeWechatpay
let service: ServiceProcess

/** The packages the process had loaded from node_modules, as it reports them on SIGWINCH. */
async function loadedPackages (): Promise<string[]> {
  const reports = (): number => service.output().split('LOADED_PACKAGES').length
  const before = reports()
  service.child.kill('SIGWINCH')
  for (let i = 0; i < 50 && reports() === before; i++) await new Promise((resolve) => setTimeout(resolve, 20))
  const line = [...service.output().matchAll(/LOADED_PACKAGES (\[.*\])/g)].pop()?.[1]
  if (line === undefined) throw new Error(`no package report:\n${service.output()}`)
  return JSON.parse(line) as string[]
}

beforeAll(async () => {
  outdir = mkdtempSync(join(ROOT, '.build-check-'))
  await bundle(outdir)
  fake = await startFakeWechatpay()
  service = await startServiceProcess(serviceEnvironment(fake), await freePort(), 30_000, ['--import', PRELOAD, join(outdir, 'server.js')])
}, 60_000)

afterAll(async () => {
  if (process.env.DEBUG_BUILD_TEST !== undefined) process.stderr.write(service?.output() ?? '')
  await service?.kill()
  await fake?.simulator.close()
  if (outdir !== undefined) rmSync(outdir, { recursive: true, force: true })
})

describe('the production build (npm run build)', () => {
  it('is one bundle plus a chunk for each part loaded on demand', () => {
    const scripts = readdirSync(outdir).filter((name) => name.endsWith('.js'))
    expect(scripts).toContain('server.js')
    // Far fewer files than modules: the ~160 of src/ and ~700 of node_modules are in a handful (15 today, with the
    // chunks esbuild shares between server.ts, which handles signals and checks the configuration, and the app).
    expect(scripts.length).toBeLessThan(18)
  })

  it('serves a verified page of cards', async () => {
    const res = await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=5`)
    expect(res.status).toBe(200)
    expect((await res.json() as { data: unknown[] }).data).toHaveLength(5)
    expect(fake.simulator.calls.length).toBeGreaterThan(0)
  })

  it('answers a bad request with a problem, its schema compiled on first use', async () => {
    const res = await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=-1&limit=50`)
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
    const problem = await res.json() as { invalid_params: Array<{ name: string }> }
    expect(problem.invalid_params.map((param) => param.name).sort()).toEqual(['limit', 'offset'])
  })

  it('loads Swagger UI only when /docs is first opened, and then serves it', async () => {
    expect(await loadedPackages()).not.toContain('@fastify/swagger-ui')
    const page = await fetch(`${service.url}/docs`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(page.headers.get('x-request-id')).toBeTruthy()
    expect(await loadedPackages()).toContain('@fastify/swagger-ui')
    const css = await fetch(`${service.url}/docs/static/swagger-ui.css`)
    expect(css.status).toBe(200)
    expect((await css.text()).length).toBeGreaterThan(1000)
    // HEAD keeps the length, and a revalidation gets a bare 304, as @fastify/static answers them.
    const cssUrl = `${service.url}/docs/static/swagger-ui.css`
    const head = await fetch(cssUrl, { method: 'HEAD' })
    expect(Number(head.headers.get('content-length'))).toBe(Buffer.byteLength(await (await fetch(cssUrl)).text()))
    // By hand: fetch adds Cache-Control: no-cache to a request with If-None-Match (the Fetch standard).
    const etag = css.headers.get('etag') ?? ''
    const { host } = new URL(service.url)
    const { response } = await rawExchange(service.url,
      `GET /docs/static/swagger-ui.css HTTP/1.1\r\nHost: ${host}\r\nIf-None-Match: ${etag}\r\nConnection: close\r\n\r\n`)
    const revalidated = parseRaw(response)
    expect([etag !== '', revalidated.status, revalidated.headers['content-type']]).toEqual([true, 304, undefined])
    const doc = await (await fetch(`${service.url}/docs/json`)).json() as { paths: Record<string, unknown> }
    expect(Object.keys(doc.paths)).toContain('/cards')
  })

  it('answers a path under /docs that does not exist with the service\'s 404 problem', async () => {
    const res = await fetch(`${service.url}/docs/static/no-such-file.js`)
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
  })

  it('starts in a terminal in development, where its lines go through pino-pretty\'s worker thread', async () => {
    // `script` gives the process a terminal, so the logger picks pino-pretty as a transport: a
    // worker started from a file pino finds through __dirname, which bundled ES code would lack.
    const port = await freePort()
    // The shell says its pid, then becomes the service: script(1) gives it a session of its own,
    // which killing script's group would not reach.
    const child = spawn('script', ['-qec', `echo "PID=$$"; exec ${process.execPath} ${join(outdir, 'server.js')}`, '/dev/null'], {
      env: { PATH: process.env.PATH, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
    try {
      let status = 0
      for (let i = 0; i < 150 && status !== 200 && child.exitCode === null; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        status = await fetch(`http://127.0.0.1:${port}/readyz`).then((res) => res.status, () => 0)
      }
      expect(status, output).toBe(200)
      // pino-pretty's lines, not JSON: the transport is what ran.
      expect(output).toMatch(/INFO.*SANDBOX MODE|WARN.*SANDBOX MODE/)
    } finally {
      const servicePid = /PID=(\d+)/.exec(output)?.[1]
      if (servicePid !== undefined) process.kill(Number(servicePid), 'SIGKILL')
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
    }
  }, 30_000)

  it('checks a configuration with --check-config, and starts nothing', async () => {
    const child = spawn(process.execPath, [join(outdir, 'server.js'), '--check-config'], {
      env: { PATH: process.env.PATH, ...serviceEnvironment(fake), PORT: String(await freePort()) },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
    const code = await new Promise((resolve) => child.once('exit', resolve))
    expect(code).toBe(0)
    expect(stdout).toMatch(/^ok: the configuration is valid\nmode: merchant \d+ at http:\/\/127\.0\.0\.1:\d+, NODE_ENV=test\n/)
  })
})
