import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { CARDS_ENDPOINT } from '../../src/wechatpay/endpoints/cards.js'
import { WechatpayClient, type AttemptEnd } from '../../src/wechatpay/client.js'
import { KeyStore } from '../../src/wechatpay/key-store.js'
import { clientAgainst, startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { uniqueAppid } from '../helpers/unique.js'

// What the client tells its attempt observer (the tracing side makes a span of each attempt):
// where each attempt went, and how it ended, retries and verification included.
let fake: FakeWechatpay
let client: WechatpayClient
let seen: Array<{ origin: string, attempt: number, target: string, end?: AttemptEnd }>

beforeAll(async () => {
  fake = await startFakeWechatpay()
  const keys = new KeyStore()
  const { publicKeyId, publicKey } = fake.credentials
  if (publicKeyId !== undefined && publicKey !== undefined) keys.set(publicKeyId, publicKey)
  client = new WechatpayClient({
    ...clientAgainst(fake, keys),
    userAgent: 'client-attempt-observer-test',
    timeoutMs: 2_000,
    // No backoff: the retry goes at once.
    random: () => 0,
    observer: {
      attemptStarted: (attempt) => {
        const record: (typeof seen)[number] = { ...attempt }
        seen.push(record)
        return (end) => { record.end = end }
      }
    }
  })
})
afterAll(async () => {
  await client.close()
  await fake.simulator.close()
})
beforeEach(() => {
  seen = []
  fake.simulator.reset()
})

describe('the attempt observer', () => {
  it('hears of every attempt: a 500 retried, then a verified page with its Request-ID', async () => {
    fake.simulator.enqueue({ kind: 'error', status: 500, code: 'SYSTEM_ERROR' })
    const appid = uniqueAppid()
    const page = await client.call(CARDS_ENDPOINT, { appid, offset: 0, limit: 2 })
    expect(seen).toEqual([
      {
        origin: fake.simulator.url,
        attempt: 0,
        target: `/v3/marketing/membercard-open/cards?appid=${appid}&offset=0&limit=2`,
        endpoint: 'cards',
        route: '/v3/marketing/membercard-open/cards',
        end: { outcome: 'SYSTEM_ERROR', status: 500, code: 'SYSTEM_ERROR', requestId: expect.any(String), verification: undefined }
      },
      {
        origin: fake.simulator.url,
        attempt: 1,
        target: `/v3/marketing/membercard-open/cards?appid=${appid}&offset=0&limit=2`,
        endpoint: 'cards',
        route: '/v3/marketing/membercard-open/cards',
        end: { outcome: 'ok', status: 200, requestId: page.requestId, verification: 'ok' }
      }
    ])
  })

  it('hears why an answer was refused', async () => {
    fake.simulator.enqueue({ kind: 'tamper' })
    await expect(client.call(CARDS_ENDPOINT, { appid: uniqueAppid(), offset: 0, limit: 2 })).rejects.toMatchObject({
      problem: 'upstream-signature-invalid'
    })
    expect(seen.map((s) => s.end)).toEqual([
      { outcome: 'bad-signature', status: 200, requestId: expect.any(String), code: undefined, verification: 'bad-signature' }
    ])
  })

  it('claims no verification for an answer its caller interpreted (the certificate download\'s way)', async () => {
    await client.request('/v3/marketing/membercard-open/cards?appid=wxraw&offset=0&limit=1', (answer) => answer.status)
    expect(seen.map((s) => s.end)).toEqual([{ outcome: 'ok', status: 200, requestId: expect.any(String), verification: undefined }])
  })

  it('hears of a timeout, with no status', async () => {
    // One slow answer per attempt the budget allows: undici's coarse timers may end an attempt a little
    // early, leaving the last retry a few milliseconds, enough for a prompt answer to come back.
    fake.simulator.enqueue({ kind: 'delay', ms: 1_500 }, { kind: 'delay', ms: 1_500 }, { kind: 'delay', ms: 1_500 })
    const call = client.call(CARDS_ENDPOINT, { appid: uniqueAppid(), offset: 0, limit: 2 })
    await expect(call).rejects.toMatchObject({ problem: 'upstream-timeout' })
    expect(seen[0]?.end).toEqual({ outcome: 'timeout', status: undefined, requestId: undefined, code: undefined, verification: undefined })
  })
})
