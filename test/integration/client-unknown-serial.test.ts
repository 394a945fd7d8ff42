import { afterEach, describe, expect, it } from 'vitest'
import { CARDS_ENDPOINT } from '../../src/wechatpay/endpoints/cards.js'
import { WechatpayClient } from '../../src/wechatpay/client.js'
import { KeyStore } from '../../src/wechatpay/key-store.js'
import { UpstreamError } from '../../src/wechatpay/upstream-error.js'
import { clientAgainst, startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { uniqueAppid } from '../helpers/unique.js'

// The client against the simulator, with no key for the answers it gets: it asks its hook for the
// serial the answer names and verifies the same bytes again once a key is held, within its deadline.
let fake: FakeWechatpay | undefined
let client: WechatpayClient | undefined

afterEach(async () => {
  await client?.close()
  await fake?.simulator.close()
  client = undefined
  fake = undefined
})

async function setUp (followUnknownSerial: (serial: string) => Promise<boolean>): Promise<{
  fake: FakeWechatpay, keys: KeyStore, client: WechatpayClient
}> {
  fake = await startFakeWechatpay()
  const keys = new KeyStore()
  client = new WechatpayClient({
    ...clientAgainst(fake, keys),
    userAgent: 'client-unknown-serial-test',
    timeoutMs: 1_000,
    followUnknownSerial
  })
  return { fake, keys, client }
}

const page = { appid: uniqueAppid(), offset: 0, limit: 2 }

describe('an answer naming a key the client does not hold', () => {
  it('is verified again once the hook has the key: the first answer after a rotation succeeds', async () => {
    const asked: string[] = []
    const { fake, keys, client } = await setUp(async (serial) => {
      asked.push(serial)
      keys.set(serial, fake.generated.wechatpayPublicKey)
      return true
    })
    const verified = await client.call(CARDS_ENDPOINT, page)
    expect(verified.serial).toBe(fake.generated.wechatpayPublicKeyId)
    expect(asked).toEqual([fake.generated.wechatpayPublicKeyId])
    expect(fake.simulator.calls).toHaveLength(1) // the same answer, not a new request
  })

  it('is refused when the hook finds no key, and never retried', async () => {
    const { fake, client } = await setUp(async () => false)
    const error = await client.call(CARDS_ENDPOINT, page).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(UpstreamError)
    expect(error).toMatchObject({ problem: 'upstream-signature-invalid', verification: 'unknown-serial' })
    expect(fake.simulator.calls).toHaveLength(1)
  })

  it('is refused by the deadline when the hook takes longer', async () => {
    const { client } = await setUp(async () => await new Promise<boolean>(() => {}))
    const started = Date.now()
    const error = await client.call(CARDS_ENDPOINT, page).catch((err: unknown) => err)
    expect(error).toMatchObject({ problem: 'upstream-signature-invalid', verification: 'unknown-serial' })
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  it('a key download (keyCheck off) never waits for a download of keys', async () => {
    const asked: string[] = []
    const { client } = await setUp(async (serial) => { asked.push(serial); return true })
    const error = await client.request(CARDS_ENDPOINT.target(page), (answer) => client.verified(answer), { keyCheck: false })
      .catch((err: unknown) => err)
    expect(error).toMatchObject({ verification: 'unknown-serial' })
    expect(asked).toEqual([])
  })
})
