import { createHash, sign } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { describe, expect, it } from 'vitest'
import { KeyStore } from '../../src/wechatpay/key-store.js'
import { createResponseVerifier } from '../../src/wechatpay/response-verifier.js'
import { rsaKeyPair } from '../helpers/keys.js'

const wechatpay = rsaKeyPair()
const impostor = rsaKeyPair()
const SERIAL = 'PUB_KEY_ID_0114232134912410000000000000000001'
const NOW_MS = 1_700_000_000_000
const BODY = Buffer.from('{"data":[{"title":"会员卡 <b>&</b>"}],"total_count":1,"offset":0,"limit":1}')

const keys = new KeyStore()
keys.set(SERIAL, wechatpay.publicKey)
const verify = createResponseVerifier({ keys, now: () => NOW_MS })

/** Signs as WeChat Pay does: SHA256withRSA over "timestamp\nnonce\nbody\n" (independent of the verifier). */
function signedHeaders (body: Buffer, overrides: Partial<Record<string, string>> = {}, key = wechatpay.privateKey): IncomingHttpHeaders {
  const timestamp = overrides['wechatpay-timestamp'] ?? String(NOW_MS / 1000)
  const nonce = overrides['wechatpay-nonce'] ?? createHash('md5').update(body).digest('hex').toUpperCase()
  const message = Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`), body, Buffer.from('\n')])
  return {
    'wechatpay-timestamp': timestamp,
    'wechatpay-nonce': nonce,
    'wechatpay-serial': SERIAL,
    'wechatpay-signature': sign('sha256', message, key).toString('base64'),
    ...overrides
  }
}

describe('response verifier', () => {
  it('accepts an answer signed by the key its serial names, over the raw bytes', () => {
    expect(verify(signedHeaders(BODY), BODY)).toEqual({ ok: true, serial: SERIAL })
  })

  it('accepts an empty body (the third line is then just a newline)', () => {
    const empty = Buffer.alloc(0)
    expect(verify(signedHeaders(empty), empty).ok).toBe(true)
  })

  it('accepts timestamps up to 300 s away either way, and refuses 301 s', () => {
    for (const skew of [-300, 300]) {
      expect(verify(signedHeaders(BODY, { 'wechatpay-timestamp': String(NOW_MS / 1000 + skew) }), BODY).ok).toBe(true)
    }
    for (const skew of [-301, 301]) {
      expect(verify(signedHeaders(BODY, { 'wechatpay-timestamp': String(NOW_MS / 1000 + skew) }), BODY))
        .toEqual({ ok: false, reason: 'timestamp-skew', serial: SERIAL })
    }
  })

  it.each(['wechatpay-timestamp', 'wechatpay-nonce', 'wechatpay-signature', 'wechatpay-serial'])('refuses an answer without %s', (name) => {
    const headers = signedHeaders(BODY)
    delete headers[name]
    expect(verify(headers, BODY)).toEqual({ ok: false, reason: 'missing-headers' })
  })

  it('refuses an empty or repeated signature header as missing', () => {
    expect(verify({ ...signedHeaders(BODY), 'wechatpay-signature': '' }, BODY).ok).toBe(false)
    const headers = signedHeaders(BODY)
    expect(verify({ ...headers, 'wechatpay-signature': [headers['wechatpay-signature'] as string, 'x'] }, BODY))
      .toEqual({ ok: false, reason: 'missing-headers' })
  })

  it('refuses a serial it holds no key for', () => {
    expect(verify({ ...signedHeaders(BODY), 'wechatpay-serial': '5157F09EFDC096DE15EBE81A47057A72' }, BODY))
      .toEqual({ ok: false, reason: 'unknown-serial', serial: '5157F09EFDC096DE15EBE81A47057A72' })
  })

  it('refuses a tampered body', () => {
    const tampered = Buffer.from(BODY)
    tampered[10] = tampered[10] === 0x41 ? 0x42 : 0x41
    expect(verify(signedHeaders(BODY), tampered)).toEqual({ ok: false, reason: 'bad-signature', serial: SERIAL })
  })

  it('refuses a body that differs only by re-serialization', () => {
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(BODY.toString()), null, 1))
    expect(verify(signedHeaders(BODY), reserialized).ok).toBe(false)
  })

  it('refuses an answer signed by another key', () => {
    expect(verify(signedHeaders(BODY, {}, impostor.privateKey), BODY)).toEqual({ ok: false, reason: 'bad-signature', serial: SERIAL })
  })

  it('refuses WeChat Pay\'s WECHATPAY/SIGNTEST/ probes without throwing', () => {
    const probe = { ...signedHeaders(BODY), 'wechatpay-signature': 'WECHATPAY/SIGNTEST/AbCdEf+/==' }
    expect(verify(probe, BODY)).toEqual({ ok: false, reason: 'signature-probe', serial: SERIAL })
  })

  it.each([
    ['not base64 at all', '%%% not base64 %%%'],
    ['unpadded base64', 'QUJD'.slice(0, 3)],
    ['base64url alphabet', '-_-_'],
    ['a valid base64 of the wrong length', Buffer.from('short').toString('base64')]
  ])('returns a refusal, never an exception, for a signature that is %s', (_label, value) => {
    const result = verify({ ...signedHeaders(BODY), 'wechatpay-signature': value }, BODY)
    expect(result.ok).toBe(false)
    expect(['malformed-signature', 'bad-signature']).toContain(result.ok ? '' : result.reason)
  })

  it('refuses timestamps that are not Unix seconds', () => {
    for (const timestamp of ['1700000000000', 'abc', '1.7e9', '-1']) {
      expect(verify(signedHeaders(BODY, { 'wechatpay-timestamp': timestamp }), BODY).ok).toBe(false)
    }
  })

  it('finds platform-certificate serials whatever their case', () => {
    const store = new KeyStore()
    store.set('5157f09efdc096de15ebe81a47057a72', wechatpay.publicKey)
    const byCert = createResponseVerifier({ keys: store, now: () => NOW_MS })
    expect(byCert({ ...signedHeaders(BODY), 'wechatpay-serial': '5157F09EFDC096DE15EBE81A47057A72' }, BODY).ok).toBe(true)
  })
})
