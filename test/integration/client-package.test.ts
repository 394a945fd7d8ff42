import { execFile } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/config.js'
import { TEST_ENV } from '../helpers/app.js'

// clients/typescript as a service author gets it: packed with `npm pack`, installed into a folder of
// its own outside the repository, compiled there with strict and module nodenext, and run against the
// service in sandbox mode.
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const PACKAGE = join(ROOT, 'clients', 'typescript')
const FIXTURE = fileURLToPath(new URL('../fixtures/client-consumer/', import.meta.url))
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const TOKEN = 'client-package-token-0123456789'

let app: FastifyInstance
let url: string
let scratch: string
let tarball: string

/**
 * Runs a command to its end, without blocking: the service answers from this very process. A failure
 * shows what the command wrote (a compiler's errors, npm's).
 */
async function sh (command: string, args: string[], cwd: string): Promise<string> {
  return await new Promise((resolve, reject) => {
    execFile(command, args, { cwd, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err === null) resolve(stdout)
      else reject(new Error(`${command} ${args.join(' ')} failed:\n${stdout}${stderr}`))
    })
  })
}

beforeAll(async () => {
  // One WeChat Pay call a second, so pages asked for at once meet the budget's 503 and Retry-After.
  app = await buildApp(loadConfig({ ...TEST_ENV, LOG_LEVEL: 'silent', UPSTREAM_MAX_RPS: '1', INTERNAL_API_TOKENS: TOKEN }))
  url = await app.listen({ host: '127.0.0.1', port: 0 })
  scratch = mkdtempSync(join(tmpdir(), 'cards-client-consumer-'))
  const packed = JSON.parse(await sh('npm', ['pack', '--json', '--pack-destination', scratch], PACKAGE)) as Array<{ filename: string }>
  tarball = join(scratch, packed[0]?.filename ?? '')
}, 120_000)

afterAll(async () => {
  await app?.close()
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true })
})

describe('the client package (clients/typescript)', () => {
  it('packs its compiled code, the generated types and its README, and nothing else', async () => {
    const files = (await sh('tar', ['-tzf', tarball], scratch)).trim().split('\n').sort()
    expect(files).toEqual([
      'package/README.md', 'package/dist/index.d.ts', 'package/dist/index.js', 'package/dist/openapi.d.ts',
      'package/dist/outcome.d.ts', 'package/dist/outcome.js', 'package/package.json'
    ])
    const manifest = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as { version: string }
    const service = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
    expect(manifest.version).toBe(service.version)
    // Its types are the contract's, as `npm run openapi` generates them.
    expect(readFileSync(join(PACKAGE, 'dist', 'openapi.d.ts'), 'utf8')).toBe(readFileSync(join(ROOT, 'openapi', 'openapi.d.ts'), 'utf8'))
  })

  it('compiles in a consumer\'s folder with strict and module nodenext, and works against the service', async () => {
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
    for (const file of ['consumer.ts', 'tsconfig.json', 'run.mjs']) copyFileSync(join(FIXTURE, file), join(scratch, file))
    // From npm's cache when it holds openapi-fetch (npm ci put it there), else from the registry.
    await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], scratch)
    await sh(process.execPath, [TSC, '-p', 'tsconfig.json'], scratch)

    const seen = JSON.parse(await sh(process.execPath, ['run.mjs', url, TOKEN], scratch)) as Record<string, any>
    expect(seen.page).toMatchObject({ total: 23, cards: 5, first: 'wxea9c30890f48d5ae', requestId: expect.any(String) })
    expect(seen.misspelt).toBeUndefined()
    expect(seen.card).toEqual({ same: true, title: true })
    expect(seen.unknown).toMatchObject({ ok: false, status: 404, type: '/problems/card-not-found', code: 'INVALID_REQUEST' })
    expect(seen.bad).toEqual({ ok: false, status: 400, type: '/problems/invalid-request', advice: 'fix the query', params: ['appid'] })
    expect(seen.all).toEqual({ total: 23, cards: 23 })
    expect(seen.faulted)
      .toMatchObject({ ok: false, status: 502, type: '/problems/upstream-system-error', code: 'SYSTEM_ERROR', advice: 'try later' })
    // Retry-After honoured: every crowded page came, after waits of whole seconds.
    expect(seen.crowded).toEqual([true, true, true, true])
    expect(seen.waits.length).toBeGreaterThan(0)
    for (const ms of seen.waits as number[]) expect(ms % 1000 === 0 && ms >= 1000).toBe(true)
    // Without retry, the budget's problem comes back as it is.
    const refused = (seen.unretried as Array<{ ok: boolean, status: number, type?: string }>).filter((outcome) => !outcome.ok)
    expect(refused.length).toBeGreaterThan(0)
    for (const outcome of refused) expect(outcome).toMatchObject({ status: 503, type: '/problems/upstream-budget-exhausted' })
    expect(seen.purged).toBe(204)
    expect(seen.live).toBe('ok')
    expect(seen.ready).toMatchObject({ status: 'ok' })
  }, 120_000)
})
