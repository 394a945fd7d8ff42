import { randomBytes, sign, verify, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { Agent, request, type IncomingHttpHeaders } from 'node:http'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { generateSandboxCredentials, simulatorSideOf, type SandboxCredentials } from '../../src/sandbox/credentials.js'
import { cardsPageBody } from '../../src/sandbox/cards-page.js'
import { demoCards, DEMO_BRANDS, DEMO_CARDS_PER_APPID } from '../../src/sandbox/demo-cards.js'
import { startSimulator, type Simulator } from '../../src/sandbox/simulator.js'

// The simulator runs on an injected clock so answer timestamps and skew checks are exact.
const NOW_MS = Date.UTC(2025, 5, 1, 4, 0, 0, 250)
const NOW_S = Math.floor(NOW_MS / 1000)
const APPID = 'wxea9c30890f48d5ae'
const CARDS = '/v3/marketing/membercard-open/cards'

let creds: SandboxCredentials
let sim: Simulator

interface Reply { status: number, headers: IncomingHttpHeaders, body: Buffer }

// A merchant-side signer written here on purpose (docs/wechatpay-protocol.md §1.1–§1.3), independent of src/wechatpay.
interface SignInput {
  method?: string
  url: string
  ts?: number
  nonce?: string
  key?: KeyObject
  mchid?: string
  serial?: string
  order?: string[]
}
function authorization (input: SignInput): string {
  const method = input.method ?? 'GET'
  const ts = String(input.ts ?? NOW_S)
  const nonce = input.nonce ?? randomBytes(16).toString('hex')
  const message = `${method}\n${input.url}\n${ts}\n${nonce}\n\n`
  const signature = sign('sha256', Buffer.from(message), input.key ?? creds.merchantPrivateKey).toString('base64')
  const values: Record<string, string> = {
    mchid: input.mchid ?? creds.mchid, nonce_str: nonce, timestamp: ts, serial_no: input.serial ?? creds.merchantSerialNo, signature
  }
  const order = input.order ?? ['mchid', 'nonce_str', 'timestamp', 'serial_no', 'signature']
  return 'WECHATPAY2-SHA256-RSA2048 ' + order.map((k) => `${k}="${values[k] ?? ''}"`).join(',')
}

function baseHeaders (url: string, method = 'GET'): Record<string, string> {
  return { Accept: 'application/json', 'User-Agent': 'simulator-test/1.0', Authorization: authorization({ url, method }) }
}

// node:http with an explicit `path` sends the request target byte for byte (no URL re-encoding).
function call (path: string, headers = baseHeaders(path), method = 'GET', agent: Agent | false = false): Promise<Reply> {
  const { hostname, port } = new URL(sim.url)
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method, headers, agent }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

function answerVerifies (reply: Reply, key: KeyObject = creds.wechatpayPublicKey): boolean {
  const h = reply.headers
  const message = Buffer.concat([
    Buffer.from(`${String(h['wechatpay-timestamp'])}\n${String(h['wechatpay-nonce'])}\n`),
    reply.body,
    Buffer.from('\n')
  ])
  return verify('sha256', message, key, Buffer.from(String(h['wechatpay-signature']), 'base64'))
}

function wechatpayHeaders (reply: Reply): string[] {
  return Object.keys(reply.headers).filter((h) => h.startsWith('wechatpay-'))
}

const json = (reply: Reply): any => JSON.parse(reply.body.toString('utf8'))
const cardsUrl = (offset: number, limit: number, extra = ''): string => `${CARDS}?appid=${APPID}&offset=${offset}&limit=${limit}${extra}`

beforeAll(() => { creds = generateSandboxCredentials() })
beforeEach(async () => {
  sim = await startSimulator({ ...simulatorSideOf(creds), now: () => NOW_MS })
})
afterEach(async () => { await sim.close() })

describe('successful pages', () => {
  it('answers 200 with a verifiable signature and treats offset as a page index', async () => {
    const all = demoCards(APPID)
    const reply = await call(cardsUrl(1, 10))
    expect(reply.status).toBe(200)
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(reply.headers['content-length']).toBe(String(reply.body.length))
    expect(reply.headers['request-id']).toMatch(/^[0-9A-F]{44}-0$/)
    expect(reply.headers['wechatpay-timestamp']).toBe(String(NOW_S))
    expect(reply.headers['wechatpay-nonce']).toMatch(/^[0-9A-F]{32}$/)
    expect(reply.headers['wechatpay-serial']).toBe(creds.wechatpayPublicKeyId)
    expect(reply.headers['wechatpay-signature-type']).toBe('WECHATPAY2-SHA256-RSA2048')
    expect(answerVerifies(reply)).toBe(true)
    const page = json(reply)
    expect(page).toMatchObject({ need_dynamic_code: false, total_count: 23, offset: 1, limit: 10 })
    expect(page.data.map((c: { card_id: string }) => c.card_id)).toEqual(all.slice(10, 20).map((c) => c.card_id))
    expect(json(await call(cardsUrl(2, 10))).data).toHaveLength(3)
    expect(json(await call(cardsUrl(3, 10))).data).toHaveLength(0)
    // The benchmark primes Redis with pages built by cardsPageBody: they must be the simulator's bytes.
    expect(reply.body.equals(cardsPageBody({ data: all.slice(10, 20), totalCount: all.length, offset: 1, limit: 10 }))).toBe(true)
  })

  it('records every call with the exact request target and a verified authorization', async () => {
    const url = cardsUrl(0, 5, '&brand_id=' + (DEMO_BRANDS[1]?.brand_id ?? ''))
    const reply = await call(url)
    expect(json(reply).data.every((c: { brand: { brand_id: string } }) => c.brand.brand_id === DEMO_BRANDS[1]?.brand_id)).toBe(true)
    expect(json(reply).total_count).toBe(demoCards(APPID).filter((c) => c.brand.brand_id === DEMO_BRANDS[1]?.brand_id).length)
    expect(sim.calls).toHaveLength(1)
    expect(sim.calls[0]).toMatchObject({
      method: 'GET',
      url,
      at: NOW_MS,
      authorization: { ok: true, mchid: creds.mchid, serialNo: creds.merchantSerialNo }
    })
  })

  it('accepts the Authorization pairs in another order', async () => {
    const url = cardsUrl(0, 1)
    const headers = {
      ...baseHeaders(url),
      Authorization: authorization({ url, order: ['mchid', 'serial_no', 'timestamp', 'nonce_str', 'signature'] })
    }
    expect((await call(url, headers)).status).toBe(200)
  })

  it('serves setCards overrides byte for byte, non-ASCII and unknown fields included', async () => {
    const cards = [{ card_id: 'x1', title: '示例咖啡 金卡 🎉', description: '<b>会员日</b> & "满减"\u2028', future_field: { nested: [1, null] } }]
    sim.setCards(APPID, cards)
    const reply = await call(cardsUrl(0, 20))
    const expected = JSON.stringify({ data: cards, need_dynamic_code: false, total_count: 1, offset: 0, limit: 20 })
    expect(reply.body.equals(Buffer.from(expected, 'utf8'))).toBe(true)
    expect(answerVerifies(reply)).toBe(true)
  })

  it('advertises Keep-Alive: timeout=8 and close() ends idle keep-alive sockets at once', async () => {
    const agent = new Agent({ keepAlive: true })
    try {
      const reply = await call(cardsUrl(0, 1), baseHeaders(cardsUrl(0, 1)), 'GET', agent)
      expect(reply.headers['keep-alive']).toBe('timeout=8')
      const started = Date.now()
      await sim.close()
      expect(Date.now() - started).toBeLessThan(1000)
    } finally {
      agent.destroy()
    }
  })
})

describe('demo cards', () => {
  it('are deterministic per appid and carry every field of the example card', () => {
    const cards = demoCards(APPID)
    expect(cards).toHaveLength(DEMO_CARDS_PER_APPID)
    expect(DEMO_CARDS_PER_APPID).toBe(23)
    expect(demoCards(APPID)).toEqual(cards)
    // A shorter or longer list starts with the same cards, so one page needs only its own.
    expect(demoCards(APPID, 2)).toEqual(cards.slice(0, 2))
    expect(demoCards(APPID, 30).slice(0, 23)).toEqual(cards)
    expect(demoCards('wx_other')[0]?.card_id).not.toBe(cards[0]?.card_id)
    for (const card of cards) {
      expect(card.card_id).toMatch(/^p[A-Za-z0-9_-]{27}$/)
      expect(card.create_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/)
      expect(card.appid).toBe(APPID)
      expect(Object.keys(card)).toHaveLength(21)
    }
    expect(new Set(cards.map((c) => c.status))).toEqual(new Set(['NOT_APPROVE', 'APPROVE_FAIL', 'APPROVED', 'DELETED']))
    expect(cards.some((c) => c.description.includes('<b>') && c.description.includes('&'))).toBe(true)
  })
})

describe('rejections', () => {
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
  it.each([
    ['signature', { key: other }],
    ['serial_no', { serial: 'ABCDEF0123456789ABCDEF0123456789ABCDEF01' }],
    ['timestamp-skew', { ts: NOW_S - 301 }],
    ['mchid', { mchid: '1900000999' }]
  ])('answers 401 SIGN_ERROR with sign_information for a bad %s', async (reason, change) => {
    const url = cardsUrl(0, 1)
    const reply = await call(url, { ...baseHeaders(url), Authorization: authorization({ url, ...change }) })
    expect(reply.status).toBe(401)
    const body = json(reply)
    expect(body).toMatchObject({
      code: 'SIGN_ERROR',
      message: '签名错误，请检查后再试',
      detail: { location: 'authorization', sign_information: { method: 'GET', url } }
    })
    expect(body.detail.sign_information.truncated_sign_message).toMatch(/^GET\n\/v3\/marketing/)
    expect(sim.calls[0]?.authorization).toMatchObject({ ok: false, reason })
    expect(answerVerifies(reply)).toBe(true) // the simulator's own rejections are signed
  })

  it('accepts a timestamp exactly 300 s old', async () => {
    const url = cardsUrl(0, 1)
    expect((await call(url, { ...baseHeaders(url), Authorization: authorization({ url, ts: NOW_S - 300 }) })).status).toBe(200)
  })

  it('rejects a signature made over another URL (the query is part of the message)', async () => {
    const headers = baseHeaders(cardsUrl(0, 2))
    const reply = await call(cardsUrl(0, 1), headers)
    expect(reply.status).toBe(401)
    expect(sim.calls[0]?.authorization.reason).toBe('signature')
  })

  it.each([
    ['missing', undefined],
    ['scheme', 'WECHATPAY2-SHA256-RSA4096 mchid="1"'],
    ['malformed', 'WECHATPAY2-SHA256-RSA2048 mchid=1,,'],
    ['missing:signature', 'WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="a",timestamp="1",serial_no="b"']
  ])('records %s for a broken Authorization header', async (reason, value) => {
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'ua' }
    if (value !== undefined) headers.Authorization = value
    expect((await call(cardsUrl(0, 1), headers)).status).toBe(401)
    expect(sim.calls[0]?.authorization).toMatchObject({ ok: false, reason })
  })

  it('answers 400 INVALID_REQUEST when User-Agent is missing', async () => {
    const url = cardsUrl(0, 1)
    const { 'User-Agent': _ua, ...headers } = baseHeaders(url)
    const reply = await call(url, headers)
    expect(reply.status).toBe(400)
    expect(json(reply)).toEqual({ code: 'INVALID_REQUEST', message: 'Http头缺少Accept或User-Agent' })
  })

  it('answers 400 PARAM_ERROR for an unknown Wechatpay-Serial', async () => {
    const url = cardsUrl(0, 1)
    const reply = await call(url, { ...baseHeaders(url), 'Wechatpay-Serial': 'PUB_KEY_ID_0000' })
    expect(reply.status).toBe(400)
    expect(json(reply)).toMatchObject({ code: 'PARAM_ERROR', message: 'Wechatpay-Serial 无效' })
    const ok = await call(url, { ...baseHeaders(url), 'Wechatpay-Serial': creds.wechatpayPublicKeyId })
    expect(ok.status).toBe(200)
  })

  it.each([
    [`${CARDS}?offset=0&limit=1`, 'appid', 'AppID有误'],
    [`${CARDS}?appid=${APPID}&offset=-1&limit=1`, 'offset', '参数错误'],
    [`${CARDS}?appid=${APPID}&offset=0&limit=21`, 'limit', '参数错误'],
    [`${CARDS}?appid=${APPID}&offset=0&limit=1&brand_id=12345678901234567`, 'brand_id', '参数错误'],
    [`${CARDS}?appid=%E0%A4%A&offset=0&limit=1`, 'appid', 'AppID有误']
  ])('answers 400 PARAM_ERROR for %s', async (url, field, message) => {
    const reply = await call(url)
    expect(reply.status).toBe(400)
    expect(json(reply)).toMatchObject({ code: 'PARAM_ERROR', message, detail: { field, location: 'query' } })
  })

  it('answers 404 for other paths and 405 for other methods', async () => {
    expect(json(await call('/v3/marketing/membercard-open/cardz')).code).toBe('NOT_FOUND')
    expect(json(await call('/v3/marketing/membercard-open/cards/x/y')).code).toBe('NOT_FOUND')
    // One segment after the list's path is a card id: one it does not know.
    expect(json(await call('/v3/marketing/membercard-open/cards/x'))).toMatchObject({ code: 'INVALID_REQUEST', message: '会员卡ID无效' })
    const post = await call(cardsUrl(0, 1), baseHeaders(cardsUrl(0, 1), 'POST'), 'POST')
    expect(post.status).toBe(405)
    expect(json(post).code).toBe('METHOD_NOT_ALLOWED')
  })

  it('survives oversized headers and keeps serving', async () => {
    const url = cardsUrl(0, 1)
    const huge = await call(url, { ...baseHeaders(url), 'X-Huge': 'a'.repeat(40_000) }).catch(() => undefined)
    if (huge !== undefined) expect(huge.status).toBe(431)
    expect((await call(url)).status).toBe(200)
  })
})

describe('faults', () => {
  it('tamper: the body no longer matches its signature but is still JSON of the same length', async () => {
    sim.enqueue({ kind: 'tamper' })
    const reply = await call(cardsUrl(0, 10))
    expect(reply.status).toBe(200)
    expect(answerVerifies(reply)).toBe(false)
    expect(() => json(reply)).not.toThrow()
    const clean = await call(cardsUrl(0, 10))
    expect(answerVerifies(clean)).toBe(true)
    expect(reply.body.length).toBe(clean.body.length)
    expect(reply.body.equals(clean.body)).toBe(false)
  })

  it('probe: the signature starts with WECHATPAY/SIGNTEST/', async () => {
    sim.enqueue({ kind: 'probe' })
    const reply = await call(cardsUrl(0, 1))
    expect(String(reply.headers['wechatpay-signature'])).toMatch(/^WECHATPAY\/SIGNTEST\/[A-Za-z0-9+/=]{40,}$/)
    expect(answerVerifies(reply)).toBe(false)
  })

  it('unsigned: a 200 with the real body and no Wechatpay-* header at all', async () => {
    sim.enqueue({ kind: 'unsigned' })
    const reply = await call(cardsUrl(0, 2))
    expect(reply.status).toBe(200)
    expect(json(reply).data).toHaveLength(2)
    expect(wechatpayHeaders(reply)).toEqual([])
  })

  it('error: answers the queued error even to an unauthenticated request, unsigned, with Request-ID', async () => {
    sim.enqueue({ kind: 'error', status: 429, code: 'FREQUENCY_LIMITED', message: '频率超限', headers: { 'Retry-After': '2' } })
    const reply = await call(cardsUrl(0, 1), { Accept: 'application/json', 'User-Agent': 'ua' })
    expect(reply.status).toBe(429)
    expect(json(reply)).toEqual({ code: 'FREQUENCY_LIMITED', message: '频率超限' })
    expect(reply.headers['retry-after']).toBe('2')
    expect(reply.headers['request-id']).toMatch(/-0$/)
    expect(wechatpayHeaders(reply)).toEqual([])
    expect(sim.calls[0]?.authorization.ok).toBe(false)
  })

  it('error with signed: true carries a valid signature', async () => {
    sim.enqueue({ kind: 'error', status: 500, code: 'SYSTEM_ERROR', signed: true, detail: { x: 1 } })
    const reply = await call(cardsUrl(0, 1))
    expect(json(reply)).toEqual({ code: 'SYSTEM_ERROR', message: 'SYSTEM_ERROR', detail: { x: 1 } })
    expect(answerVerifies(reply)).toBe(true)
  })

  it('drop: the socket closes without an answer, and the next request is served', async () => {
    sim.enqueue({ kind: 'drop' })
    await expect(call(cardsUrl(0, 1))).rejects.toThrow(/socket hang up|ECONNRESET/)
    expect((await call(cardsUrl(0, 1))).status).toBe(200)
    expect(sim.calls).toHaveLength(2)
  })

  it('raw: an arbitrary body signed over its exact bytes', async () => {
    const body = '{"data":[{"title":"书店 📚"}],  "total_count":1}\r\n'
    sim.enqueue({ kind: 'raw', status: 200, body })
    const reply = await call(cardsUrl(0, 1))
    expect(reply.body.equals(Buffer.from(body, 'utf8'))).toBe(true)
    expect(answerVerifies(reply)).toBe(true)
  })

  it('skew, serial, signature and omit-header shape one answer each, in FIFO order', async () => {
    sim.enqueue(
      { kind: 'skew', seconds: -600 },
      { kind: 'serial', serial: 'PUB_KEY_ID_9' },
      { kind: 'signature', value: '!!not base64!!' },
      { kind: 'omit-header', header: 'wechatpay-nonce' }
    )
    const skewed = await call(cardsUrl(0, 1))
    expect(skewed.headers['wechatpay-timestamp']).toBe(String(NOW_S - 600))
    expect(answerVerifies(skewed)).toBe(true)
    const serial = await call(cardsUrl(0, 1))
    expect(serial.headers['wechatpay-serial']).toBe('PUB_KEY_ID_9')
    expect(answerVerifies(serial)).toBe(true)
    expect((await call(cardsUrl(0, 1))).headers['wechatpay-signature']).toBe('!!not base64!!')
    const omitted = await call(cardsUrl(0, 1))
    expect(omitted.headers['wechatpay-nonce']).toBeUndefined()
    expect(omitted.headers['wechatpay-signature']).toBeDefined()
    const normal = await call(cardsUrl(0, 1))
    expect(answerVerifies(normal)).toBe(true)
  })

  it('delay: a client that gives up does not break the simulator', async () => {
    sim.enqueue({ kind: 'delay', ms: 300 })
    const { hostname, port } = new URL(sim.url)
    const url = cardsUrl(0, 1)
    await new Promise<void>((resolve) => {
      const req = request({ hostname, port, path: url, headers: baseHeaders(url), agent: false })
      req.setTimeout(50, () => req.destroy())
      req.on('error', () => resolve())
      req.end()
    })
    await new Promise((resolve) => setTimeout(resolve, 350))
    expect((await call(url)).status).toBe(200)
  })

  it('setLatency: every answer waits that long, through reset(), until set back to 0', async () => {
    sim.setLatency(120)
    try {
      for (const reset of [false, true]) {
        if (reset) sim.reset()
        const started = performance.now()
        const reply = await call(cardsUrl(0, 1))
        expect(performance.now() - started).toBeGreaterThanOrEqual(115)
        expect(answerVerifies(reply)).toBe(true)
      }
    } finally {
      sim.setLatency(0)
    }
    const started = performance.now()
    await call(cardsUrl(0, 1))
    expect(performance.now() - started).toBeLessThan(115)
  })

  it('close() does not wait for a delayed answer in flight', async () => {
    sim.enqueue({ kind: 'delay', ms: 10_000 })
    const pending = call(cardsUrl(0, 1)).then(() => 'answered', () => 'failed')
    while (sim.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    const started = Date.now()
    await sim.close()
    expect(Date.now() - started).toBeLessThan(1000)
    expect(await pending).toBe('failed')
  })

  it('reset clears calls, queued faults and overrides', async () => {
    sim.enqueue({ kind: 'drop' })
    sim.setCards(APPID, [])
    await call(cardsUrl(0, 1)).catch(() => undefined)
    sim.enqueue({ kind: 'unsigned' })
    sim.reset()
    expect(sim.calls).toHaveLength(0)
    const reply = await call(cardsUrl(0, 1))
    expect(answerVerifies(reply)).toBe(true)
    expect(json(reply).total_count).toBe(23)
  })
})
