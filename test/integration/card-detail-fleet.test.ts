import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { get, type IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeSelfSignedCertificate } from '../../bench/tls.js'
import { TEST_ADMIN_TOKEN } from '../helpers/app.js'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { freePort, SHARED_REDIS_URL } from '../helpers/redis-server.js'
import { serviceEnvironment, startServiceProcess, type ServiceProcess } from '../helpers/service-process.js'
import { uniqueAppid } from '../helpers/unique.js'

// Two replicas of the real process sharing Redis, against the simulator over TLS as WeChat Pay
// speaks it: GET /cards/{card_id} is cached, collapsed, purged and refused like a page.
let dir: string
let fake: FakeWechatpay
let replicas: ServiceProcess[] = []
const ADMIN = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wxcards-card-'))
  const certificate = makeSelfSignedCertificate(dir)
  fake = await startFakeWechatpay({ tls: { key: readFileSync(certificate.keyFile), cert: readFileSync(certificate.certFile) } })
  const env = {
    ...serviceEnvironment(fake),
    NODE_EXTRA_CA_CERTS: certificate.certFile,
    REDIS_URL: SHARED_REDIS_URL,
    CACHE_ADMIN_TOKENS: TEST_ADMIN_TOKEN,
    LOG_LEVEL: 'warn'
  }
  replicas = await Promise.all([0, 1].map(async () => await startServiceProcess(env, await freePort())))
}, 60_000)
afterAll(async () => {
  await Promise.all(replicas.map(async (replica) => { await replica.kill() }))
  await fake?.simulator.close()
  rmSync(dir, { recursive: true, force: true })
})

interface RawAnswer { status: number, headers: IncomingHttpHeaders, body: Buffer }

/** A GET with exactly these headers, its body as sent (fetch would decode gzip). */
async function rawGet (url: string, headers: Record<string, string>): Promise<RawAnswer> {
  return await new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }) })
    }).on('error', reject)
  })
}

const calls = (cardId: string): number => fake.simulator.calls.filter((call) => call.url.endsWith(`/cards/${cardId}`)).length
const template = (appid: string, id: string): Record<string, unknown> =>
  ({
    card_id: id,
    appid,
    title: '会员卡',
    status: 'APPROVED',
    remain_quantity: 7,
    brand: { brand_id: '1001', display_name: '品牌' },
    // Long enough to be stored gzip-compressed as well.
    description: '使用说明：本卡仅限本人使用，请在有效期内使用。'.repeat(40)
  })

describe('GET /cards/{card_id} on a fleet', () => {
  it('answers WeChat Pay\'s verified bytes, once per TTL for the whole fleet, with ETag, 304 and gzip', async () => {
    expect(new URL(fake.simulator.url).protocol).toBe('https:')
    const appid = uniqueAppid()
    const id = `pCard${appid.slice(2, 20)}`
    fake.simulator.setCards(appid, [template(appid, id)])
    const [a, b] = replicas as [ServiceProcess, ServiceProcess]
    const first = await fetch(`${a.url}/cards/${id}`)
    expect(first.status).toBe(200)
    expect(await first.text()).toBe(JSON.stringify(template(appid, id)))
    expect(first.headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=miss; stored')
    expect(first.headers.get('x-wechatpay-request-id')).toBeTruthy()
    expect(first.headers.get('etag')).toMatch(/^"/)

    const second = await rawGet(`${b.url}/cards/${id}`, { 'accept-encoding': 'gzip' })
    expect(second.status).toBe(200)
    expect(second.headers['cache-status']).toMatch(/^wxpay-cards-bff; hit; ttl=\d+$/)
    expect(second.headers.vary).toMatch(/Accept-Encoding/)
    expect(second.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(second.body).toString()).toBe(JSON.stringify(template(appid, id)))
    // Not fetch(): with If-None-Match it adds Cache-Control: no-cache, as the Fetch standard says.
    const notModified = await rawGet(`${b.url}/cards/${id}`, { 'accept-encoding': 'gzip', 'if-none-match': String(second.headers.etag) })
    expect(notModified.status).toBe(304)
    expect(calls(id)).toBe(1)
  })

  it('a purge by card_id or by appid on one replica drops the template on the other', async () => {
    const appid = uniqueAppid()
    const id = `pPurge${appid.slice(2, 20)}`
    fake.simulator.setCards(appid, [template(appid, id)])
    const [a, b] = replicas as [ServiceProcess, ServiceProcess]
    expect((await fetch(`${a.url}/cards/${id}`)).status).toBe(200)
    expect((await fetch(`${b.url}/cards/${id}`)).headers.get('cache-status')).toMatch(/; hit;/)
    expect((await fetch(`${a.url}/cards/cache?card_id=${id}`, { method: 'DELETE', headers: ADMIN })).status).toBe(204)
    expect((await fetch(`${b.url}/cards/${id}`)).headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=miss; stored')
    expect((await fetch(`${b.url}/cards/cache?appid=${appid}`, { method: 'DELETE', headers: ADMIN })).status).toBe(204)
    expect((await fetch(`${a.url}/cards/${id}`)).headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=miss; stored')
    expect(calls(id)).toBe(3)
  })

  it('an unknown id is a 404 problem, remembered for a few seconds; a malformed one costs no call', async () => {
    const [a] = replicas as [ServiceProcess]
    const id = `pUnknown${uniqueAppid().slice(2, 18)}`
    const unknown = await fetch(`${a.url}/cards/${id}`)
    expect(unknown.status).toBe(404)
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(await unknown.json()).toMatchObject({ type: '/problems/card-not-found', status: 404, code: 'INVALID_REQUEST' })
    expect((await fetch(`${a.url}/cards/${id}`)).status).toBe(404)
    expect(calls(id)).toBe(1)

    const before = fake.simulator.calls.length
    for (const bad of ['has%20space', 'x'.repeat(33), 'semi;colon']) {
      const res = await fetch(`${a.url}/cards/${bad}`)
      expect(res.status, bad).toBe(400)
      expect(await res.json()).toMatchObject({ type: '/problems/invalid-request' })
    }
    expect((await fetch(`${a.url}/cards/${id}?appid=wx1`)).status).toBe(400)
    expect(fake.simulator.calls.length).toBe(before)
  })

  it('labels the endpoint in the metrics', async () => {
    const [a] = replicas as [ServiceProcess]
    const text = await (await fetch(`${a.url}/metrics`)).text()
    expect(text).toMatch(/^cards_cache_outcomes_total\{endpoint="card",outcome="miss"\} [1-9]/m)
    expect(text).toMatch(/^wechatpay_request_duration_seconds_count\{host="[^"]+",endpoint="card",outcome="ok",wechat_code=""\} [1-9]/m)
    expect(text).toMatch(/^http_requests_total\{route="\/cards\/:card_id",method="GET",status="200",caller="anonymous"\} [1-9]/m)
  })
})
