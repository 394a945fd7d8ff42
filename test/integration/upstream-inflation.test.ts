import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { uniqueAppid } from '../helpers/unique.js'

// What an upstream (or anything posing as one, or a proxy on the way) could inflate: metric label
// values, the Request-ID callers are shown and the cache keeps, and a TLS failure hidden by a
// retry on the other host.
const run = promisify(execFile)
let fake: FakeWechatpay
let service: TestApp

beforeAll(async () => {
  fake = await startFakeWechatpay()
  service = await startTestApp(fake, { wechatpay: { timeoutMs: 3_000 } })
})
afterAll(async () => {
  await service.close()
  await fake.simulator.close()
})

const cards = (appid = uniqueAppid()): string => `${service.url}/cards?appid=${appid}&offset=0&limit=2`

describe('labels', () => {
  it('an unknown WeChat code is `other` in every label: each new code adds no series', async () => {
    const code = `MADE_UP_${uniqueAppid().toUpperCase()}`
    for (let i = 0; i < 3; i++) fake.simulator.enqueue({ kind: 'error', status: 503, code, message: '?' })
    const res = await fetch(cards())
    expect(res.status).toBe(502)
    // The caller still sees the code WeChat Pay sent; only the labels are bounded.
    expect(await res.json()).toMatchObject({ code })
    const metrics = await (await fetch(`${service.url}/metrics`)).text()
    expect(metrics).not.toContain(code)
    const series = /wechatpay_request_duration_seconds_count\{host="[^"]+",endpoint="cards",outcome="other",wechat_code="other"\} [1-9]/
    expect(metrics).toMatch(series)
  })
})

describe('Request-ID', () => {
  it('one that is not an id (8,000 characters) is dropped: not echoed, not cached, and the drop is logged', async () => {
    const appid = uniqueAppid()
    fake.simulator.enqueue({ kind: 'request-id', value: 'A'.repeat(8_000) })
    const first = await fetch(cards(appid))
    expect(first.status).toBe(200)
    expect(first.headers.get('x-wechatpay-request-id')).toBeNull()
    const hit = await fetch(cards(appid))
    expect(hit.headers.get('cache-status')).toMatch(/; hit; /)
    expect(hit.headers.get('x-wechatpay-request-id')).toBeNull()
    const dropped = service.logs.find((line) => line.msg === 'WeChat Pay sent a Request-ID that is not one; it was dropped')
    expect(dropped).toMatchObject({ length: 8_000 })
    expect(service.rawLogs()).not.toContain('A'.repeat(100))
  })

  it('a well-formed one passes', async () => {
    const res = await fetch(cards())
    expect(res.headers.get('x-wechatpay-request-id')).toMatch(/^[0-9A-F]{44}-0$/)
  })
})

describe('TLS towards WeChat Pay', () => {
  let dir: string
  let untrusted: Server
  let app: TestApp

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wxcards-tls-'))
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')])
    const tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }
    untrusted = createServer(tls, (_req, res) => { res.end() })
    await new Promise<void>((resolve) => untrusted.listen(0, '127.0.0.1', resolve))
    const { port } = untrusted.address() as { port: number }
    // The primary presents a certificate nobody trusts; the backup is the simulator.
    app = await startTestApp(fake, { wechatpay: { baseUrl: `https://127.0.0.1:${port}`, backupBaseUrl: fake.simulator.url } })
  })
  afterAll(async () => {
    await app.close()
    untrusted.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('a failure hidden by the backup\'s success is still logged, at warn, once per reason', async () => {
    for (let i = 0; i < 2; i++) expect((await fetch(`${app.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`)).status).toBe(200)
    const message = 'TLS to WeChat Pay failed; check the host\'s certificate and any proxy in between'
    const warnings = app.logs.filter((line) => line.level === 40 && line.msg === message)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({ tls: 'DEPTH_ZERO_SELF_SIGNED_CERT', host: expect.stringMatching(/^127\.0\.0\.1:\d+$/) })
  })
})
