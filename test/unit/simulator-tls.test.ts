import { execFileSync } from 'node:child_process'
import { randomBytes, sign } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateSandboxCredentials, simulatorSideOf, type SandboxCredentials } from '../../src/sandbox/credentials.js'
import { startSimulator, type Simulator } from '../../src/sandbox/simulator.js'

const CARDS = '/v3/marketing/membercard-open/cards?appid=wxea9c30890f48d5ae&offset=0&limit=5'

let dir: string
let cert: Buffer
let creds: SandboxCredentials
let sim: Simulator

// Signed here, independently of src/wechatpay, as in simulator.test.ts (docs/wechatpay-protocol.md §1.1–§1.3).
function authorization (url: string): string {
  const ts = String(Math.floor(Date.now() / 1000))
  const nonce = randomBytes(16).toString('hex')
  const signature = sign('sha256', Buffer.from(`GET\n${url}\n${ts}\n${nonce}\n\n`), creds.merchantPrivateKey).toString('base64')
  return `WECHATPAY2-SHA256-RSA2048 mchid="${creds.mchid}",nonce_str="${nonce}",timestamp="${ts}",` +
    `serial_no="${creds.merchantSerialNo}",signature="${signature}"`
}

function get (path: string, ca: Buffer | undefined): Promise<{ status: number, body: string }> {
  const { hostname, port } = new URL(sim.url)
  const headers = { Accept: 'application/json', 'User-Agent': 'simulator-tls-test/1.0', Authorization: authorization(path) }
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, headers, agent: false, ...(ca === undefined ? {} : { ca }) }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

beforeAll(async () => {
  // A throw-away self-signed certificate for 127.0.0.1, made with openssl at test time.
  dir = mkdtempSync(join(tmpdir(), 'wxcards-simulator-tls-'))
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')
  ], { stdio: 'ignore' })
  cert = readFileSync(join(dir, 'cert.pem'))
  creds = generateSandboxCredentials()
  sim = await startSimulator({ ...simulatorSideOf(creds), tls: { key: readFileSync(join(dir, 'key.pem')), cert } })
})
afterAll(async () => {
  await sim?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('the simulator over TLS', () => {
  it('serves signed pages on an https:// url to a client that trusts its certificate', async () => {
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    const reply = await get(CARDS, cert)
    expect(reply.status).toBe(200)
    expect(JSON.parse(reply.body)).toMatchObject({ offset: 0, limit: 5, total_count: 23 })
    expect(sim.calls.at(-1)?.authorization.ok).toBe(true)
  })

  it('is refused by a client that does not trust its certificate', async () => {
    await expect(get(CARDS, undefined)).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })
  })
})
