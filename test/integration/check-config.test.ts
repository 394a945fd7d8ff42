import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkConfig } from '../../src/config/check-config.js'
import { ConfigError } from '../../src/config/config.js'
import { configErrorReport } from '../../src/config/config-report.js'
import { freePort } from '../helpers/redis-server.js'
import { productionEnv, type ProductionEnv } from '../helpers/production-env.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const ADMIN = 'an-admin-token-0123456789'
const FRONTEND = 'frontend-token-0123456789abcdef'
const PASSWORD = 'redis-pass-0123456789'

let production: ProductionEnv
let env: NodeJS.ProcessEnv
beforeAll(async () => {
  production = productionEnv()
  // A Redis nobody listens on: a check that tried to connect would hang or fail.
  env = {
    ...production.env,
    CACHE_ADMIN_TOKENS: ADMIN,
    REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${await freePort()}`,
    CALLERS_FILE: production.file('callers', `frontend ${FRONTEND}\n`, 0o600)
  }
})
afterAll(() => { production.remove() })

const secrets = (): string[] => [String(production.env.INTERNAL_API_TOKENS), ADMIN, FRONTEND, PASSWORD, production.privatePem]

/** The check as `checkConfig` runs it, with what it wrote. */
function check (environment: NodeJS.ProcessEnv, isTTY = false): { code: number, stdout: string, stderr: string } {
  let stdout = ''
  let stderr = ''
  const code = checkConfig(environment,
    { isTTY, write: (text: string) => { stdout += text } },
    { write: (text: string) => { stderr += text } })
  return { code, stdout, stderr }
}

describe('--check-config', () => {
  it('says ok, with the mode, the key mode, the Redis topology and the callers by name, and no secret', () => {
    const { code, stdout, stderr } = check(env)
    expect(code).toBe(0)
    expect(stderr).toBe('')
    expect(stdout.split('\n')).toEqual([
      'ok: the configuration is valid',
      `mode: merchant ${String(production.env.WECHATPAY_MCHID)} at https://api.mch.weixin.qq.com (backup https://api2.mch.weixin.qq.com), NODE_ENV=production`,
      `key mode: public-key (${String(production.env.WECHATPAY_PUBLIC_KEY_ID)})`,
      'redis: single redis://127.0.0.1:' + String(new URL(String(env.REDIS_URL)).port),
      'callers: token-1 (INTERNAL_API_TOKENS), token-2 (CACHE_ADMIN_TOKENS, purge only), frontend (CALLERS_FILE)',
      ''
    ])
    for (const secret of secrets()) expect(stdout).not.toContain(secret)
  })

  it('says sandbox, and that the card routes are open, with no variable set', () => {
    const { code, stdout } = check({})
    expect(code).toBe(0)
    expect(stdout).toContain('mode: sandbox (an embedded WeChat Pay simulator with generated keys; nothing reaches WeChat Pay)\n')
    expect(stdout).toContain('redis: none (each process caches and budgets in its own memory)\n')
    expect(stdout).toContain('callers: none: the card routes are open to anyone who can reach the service\n')
  })

  it('lists the warnings, a lookalike variable\'s among them', () => {
    const { code, stdout } = check({ ...env, REDIS_URI: 'redis://elsewhere:6379' })
    expect(code).toBe(0)
    expect(stdout).toContain('warning: REDIS_URI is not a variable of this service and is ignored: did you mean REDIS_URL?\n')
  })

  it('reports every problem at once and fails: one JSON line when stdout is no terminal, text on stderr when it is', () => {
    const bad = { ...env, PORT: 'eighty', WECHATPAY_MERCHANT_SERIAL_NO: 'not hex', CORS_ORIGINS: '*' }
    const piped = check(bad)
    expect(piped.code).toBe(1)
    expect(piped.stderr).toBe('')
    expect(piped.stdout.endsWith('\n')).toBe(true)
    expect(piped.stdout.trim().split('\n')).toHaveLength(1)
    const line = JSON.parse(piped.stdout) as { level: number, msg: string, problems: string[] }
    expect(line).toMatchObject({ level: 60, msg: 'Invalid configuration: the service cannot start' })
    expect(line.problems).toHaveLength(3)
    expect(line.problems.join('\n')).toMatch(/PORT[\s\S]*WECHATPAY_MERCHANT_SERIAL_NO|WECHATPAY_MERCHANT_SERIAL_NO[\s\S]*PORT/)
    const terminal = check(bad, true)
    expect(terminal.code).toBe(1)
    expect(terminal.stdout).toBe('')
    expect(terminal.stderr).toBe(`${new ConfigError(line.problems).message}\n`)
    expect(terminal.stderr).toMatch(/^Invalid configuration:\n {2}- /)
  })

  it('is the same report start-up gives', () => {
    const error = new ConfigError(['PORT must be an integer from 0 to 65535 (got "eighty")'])
    expect(JSON.parse(configErrorReport(error, false, 1).text)).toEqual({
      level: 60, time: 1, msg: 'Invalid configuration: the service cannot start', problems: error.problems
    })
  })
})

/** Runs a command in the repository with `environment` only (and PATH), to its exit. */
interface Ran { code: number | null, stdout: string, stderr: string }
async function run (command: string, args: string[], environment: NodeJS.ProcessEnv): Promise<Ran> {
  const child = spawn(command, args, {
    cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...environment }, stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const [code] = await once(child, 'exit') as [number | null]
  return { code, stdout, stderr }
}

describe('npm run check-config, and the service started on a bad configuration', () => {
  it('npm run check-config prints the report and exits 0', async () => {
    const { code, stdout } = await run('npm', ['run', '--silent', 'check-config'], env)
    expect(code).toBe(0)
    expect(stdout).toMatch(/^ok: the configuration is valid\n/)
    expect(stdout).toContain('callers: token-1 (INTERNAL_API_TOKENS), token-2 (CACHE_ADMIN_TOKENS, purge only), frontend (CALLERS_FILE)\n')
  }, 30_000)

  it('npm run check-config exits 1 on a problem', async () => {
    const { code, stdout } = await run('npm', ['run', '--silent', 'check-config'], { ...env, PORT: 'eighty' })
    expect(code).toBe(1)
    expect(JSON.parse(stdout)).toMatchObject({ level: 60, problems: ['PORT must be an integer from 0 to 65535 (got "eighty")'] })
  }, 30_000)

  it('the service itself writes the same one JSON line to a pipe, and exits 1 having started nothing', async () => {
    const bad = { ...env, PORT: 'eighty', CORS_ORIGINS: '*' }
    const { code, stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/server.ts'], bad)
    expect(code).toBe(1)
    expect(stderr).toBe('')
    expect(stdout.trim().split('\n')).toHaveLength(1)
    const line = JSON.parse(stdout) as { problems: string[] }
    expect(line.problems).toHaveLength(2)
  }, 30_000)
})
