import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { WechatpayClient } from '../../src/wechatpay/client.js'
import { CARDS_ENDPOINT } from '../../src/wechatpay/endpoints/cards.js'
import { KeyStore } from '../../src/wechatpay/key-store.js'
import { UpstreamError } from '../../src/wechatpay/upstream-error.js'
import { clientAgainst, startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { uniqueAppid } from '../helpers/unique.js'

// An attempt bounds itself with a timer, and an attempt that ended has no timer left to fire: a
// miss must not leave work on the event loop for seconds after its answer.
let fake: FakeWechatpay
let client: WechatpayClient

beforeAll(async () => {
  fake = await startFakeWechatpay()
  const keys = new KeyStore()
  keys.set(fake.generated.wechatpayPublicKeyId, fake.generated.wechatpayPublicKey)
  client = new WechatpayClient({ ...clientAgainst(fake, keys), userAgent: 'attempt-timers-test', timeoutMs: 5_000, maxRetries: 0 })
})
afterAll(async () => {
  await client.close()
  await fake.simulator.close()
})

describe('an attempt\'s deadline', () => {
  it('is a timer the attempt clears when it ends, not AbortSignal.timeout\'s, which fires after every answer', async () => {
    const timeouts = vi.spyOn(AbortSignal, 'timeout')
    const cleared = vi.spyOn(globalThis, 'clearTimeout')
    try {
      await client.call(CARDS_ENDPOINT, { appid: uniqueAppid(), offset: 0, limit: 1 })
      expect(timeouts).not.toHaveBeenCalled()
      expect(cleared).toHaveBeenCalled()
    } finally {
      timeouts.mockRestore()
      cleared.mockRestore()
    }
  })

  it('still ends an attempt WeChat Pay does not answer in time', async () => {
    const slow = new WechatpayClient({
      ...clientAgainst(fake, new KeyStore()), userAgent: 'attempt-timers-test', timeoutMs: 300, maxRetries: 0
    })
    fake.simulator.enqueue({ kind: 'delay', ms: 1_000 })
    try {
      const error = await slow.call(CARDS_ENDPOINT, { appid: uniqueAppid(), offset: 0, limit: 1 }).catch((err: unknown) => err)
      expect(error).toBeInstanceOf(UpstreamError)
      expect((error as UpstreamError).problem).toBe('upstream-timeout')
    } finally {
      await slow.close()
    }
  })
})
