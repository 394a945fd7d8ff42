import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, startTestApp, type TestApp } from '../helpers/app.js'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { freePort, redisSettings } from '../helpers/redis-server.js'
import { uniqueAppid } from '../helpers/unique.js'

const run = promisify(execFile)
const PASSWORD = 'tls-test-password'
// The name on the server's certificate: not the address the service connects to, as with the IPs
// Sentinel and Cluster hand out.
const SERVER_NAME = 'redis.wxcards.test'

let dir: string
let port: number
let server: ChildProcess | undefined
let fake: FakeWechatpay

/** A throw-away CA and a server certificate it signed, made with openssl at test time. */
async function makeCertificates (): Promise<void> {
  const at = (name: string): string => join(dir, name)
  await run('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=wxcards test CA',
    '-keyout', at('ca.key'), '-out', at('ca.pem')
  ])
  await run('openssl', [
    'req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${SERVER_NAME}`, '-keyout', at('server.key'), '-out', at('server.csr')
  ])
  // The subjectAltName is what clients check; openssl x509 -req takes it from an extensions file.
  writeFileSync(at('san.cnf'), `subjectAltName=DNS:${SERVER_NAME}\n`)
  await run('openssl', [
    'x509', '-req', '-in', at('server.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-days', '1',
    '-extfile', at('san.cnf'), '-out', at('server.pem')
  ])
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wxcards-redis-tls-'))
  await makeCertificates()
  port = await freePort()
  server = spawn('redis-server', [
    '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--tls-cert-file', join(dir, 'server.pem'), '--tls-key-file', join(dir, 'server.key'), '--tls-ca-cert-file', join(dir, 'ca.pem'),
    '--tls-auth-clients', 'no', '--requirepass', PASSWORD
  ], { stdio: 'ignore' })
  process.once('exit', () => { server?.kill('SIGKILL') })
  fake = await startFakeWechatpay()
}, 30_000)
afterAll(async () => {
  await fake?.simulator.close()
  server?.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

const cards = (appid: string): string => `/cards?appid=${appid}&offset=0&limit=10`

/** The service, once its TLS handshake with Redis has succeeded (or, for `refused`, failed). */
async function serviceWith (env: NodeJS.ProcessEnv, refused = false): Promise<TestApp> {
  const service = await startTestApp(fake, { cache: { localTtlMs: 0 }, redis: { settings: redisSettings(env) } })
  const settled = async (): Promise<boolean> => refused
    ? service.logs.some((line) => line.level === 40 && String(line.msg).startsWith('Redis unavailable'))
    : (await (await fetch(`${service.url}/readyz`, { headers: ADMIN })).json() as { redis?: { state: string } }).redis?.state === 'ok'
  const deadline = Date.now() + 5_000
  while (!await settled()) {
    if (Date.now() > deadline) throw new Error(`Redis over TLS never ${refused ? 'failed' : 'connected'}: ${service.rawLogs()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return service
}

describe('Redis over TLS (rediss://, a private CA, a password)', () => {
  it('caches through a TLS Redis whose certificate names another host, with REDIS_TLS_SERVERNAME', async () => {
    const service = await serviceWith({
      REDIS_URL: `rediss://127.0.0.1:${port}`, REDIS_PASSWORD: PASSWORD, REDIS_TLS_CA_FILE: join(dir, 'ca.pem'), REDIS_TLS_SERVERNAME: SERVER_NAME
    })
    try {
      const appid = uniqueAppid()
      expect((await fetch(`${service.url}${cards(appid)}`)).headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=miss; stored')
      expect((await fetch(`${service.url}${cards(appid)}`)).headers.get('cache-status')).toMatch(/^wxpay-cards-bff; hit; /)
      expect(await (await fetch(`${service.url}/readyz`, { headers: ADMIN })).json()).toMatchObject({ status: 'ok', redis: { topology: 'single', location: `rediss://127.0.0.1:${port}`, state: 'ok' } })
      expect(service.rawLogs()).not.toContain(PASSWORD)
    } finally {
      await service.close()
    }
  })

  it.each([
    ['without REDIS_TLS_SERVERNAME (the certificate does not name 127.0.0.1)', { REDIS_TLS_CA_FILE: 'ca.pem' }],
    ['without the private CA (the certificate is not trusted)', { REDIS_TLS_SERVERNAME: SERVER_NAME }]
  ])('refuses the connection %s, and serves without the cache', async (_case, extra: Record<string, string>) => {
    const env: NodeJS.ProcessEnv = { REDIS_URL: `rediss://127.0.0.1:${port}`, REDIS_PASSWORD: PASSWORD }
    for (const [name, value] of Object.entries(extra)) env[name] = name === 'REDIS_TLS_CA_FILE' ? join(dir, value) : value
    const service = await serviceWith(env, true)
    try {
      const res = await fetch(`${service.url}${cards(uniqueAppid())}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=miss; detail=cache-unavailable')
      expect(await (await fetch(`${service.url}/readyz`, { headers: ADMIN })).json())
        .toMatchObject({ status: 'degraded', checks: { redis: 'down' }, redis: { state: 'connecting' } })
      expect(service.rawLogs()).not.toContain(PASSWORD)
    } finally {
      await service.close()
    }
  })
})
