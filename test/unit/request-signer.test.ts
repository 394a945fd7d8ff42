import { describe, expect, it } from 'vitest'
import { buildSignatureMessage, createRequestSigner, generateNonce } from '../../src/wechatpay/request-signer.js'
import { buildCardsTarget } from '../../src/wechatpay/endpoints/cards.js'
import { opensslSign, rsaKeyPair } from '../helpers/keys.js'

const merchant = rsaKeyPair()
const AUTH = /^WECHATPAY2-SHA256-RSA2048 mchid="([^"]+)",nonce_str="([^"]+)",timestamp="([^"]+)",serial_no="([^"]+)",signature="([^"]+)"$/

describe('request signer', () => {
  it('matches openssl dgst -sha256 -sign over the APIv3 message (known answer)', () => {
    const target = buildCardsTarget({ appid: 'wxea9c30890f48d5ae', offset: 0, limit: 10, brand_id: '1001622624' })
    const sign = createRequestSigner({
      mchid: '1900007291',
      merchantSerialNo: '408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB',
      privateKey: merchant.privateKey,
      now: () => 1_554_208_460_123,
      nonce: () => '593BEC0C930BF1AFEB40B4A08C8FB242'
    })
    const message = 'GET\n/v3/marketing/membercard-open/cards?brand_id=1001622624&appid=wxea9c30890f48d5ae&offset=0&limit=10\n' +
      '1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n'
    const expected = opensslSign(merchant.privatePem, message)

    const header = sign('GET', target)

    expect(header).toBe('WECHATPAY2-SHA256-RSA2048 mchid="1900007291",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",' +
      `timestamp="1554208460",serial_no="408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB",signature="${expected}"`)
    expect(expected).toHaveLength(344) // 256 bytes of RSA-2048 signature, base64
  })

  it('builds five newline-terminated lines, so a GET ends in an empty body line', () => {
    expect(buildSignatureMessage('get', '/v3/certificates', '1554208460', 'N', '')).toBe('GET\n/v3/certificates\n1554208460\nN\n\n')
    expect(buildSignatureMessage('POST', '/v3/x', '1', 'N', '{"a":1}')).toBe('POST\n/v3/x\n1\nN\n{"a":1}\n')
  })

  it('takes a fresh nonce and a Unix-seconds timestamp for every attempt', () => {
    let now = 1_700_000_000_999
    const sign = createRequestSigner({ mchid: '1900000001', merchantSerialNo: 'ABCDEF01', privateKey: merchant.privateKey, now: () => now })
    const first = AUTH.exec(sign('GET', '/v3/x'))
    now += 2_000
    const second = AUTH.exec(sign('GET', '/v3/x'))
    expect(first?.[3]).toBe('1700000000')
    expect(second?.[3]).toBe('1700000002')
    expect(first?.[2]).toMatch(/^[0-9A-Za-z]{32}$/)
    expect(second?.[2]).toMatch(/^[0-9A-Za-z]{32}$/)
    expect(first?.[2]).not.toBe(second?.[2])
  })

  it('generates 32-character alphanumeric nonces that do not repeat', () => {
    const nonces = new Set(Array.from({ length: 2000 }, generateNonce))
    expect(nonces.size).toBe(2000)
    for (const nonce of nonces) expect(nonce).toMatch(/^[0-9A-Za-z]{32}$/)
    // Every alphabet character shows up over 64,000 draws: nothing is stuck or excluded.
    expect(new Set([...nonces].join('')).size).toBe(62)
  })
})

describe('canonical request target', () => {
  it('puts the parameters in one fixed order and leaves out an absent brand_id', () => {
    expect(buildCardsTarget({ appid: 'wx1', offset: 3, limit: 20 })).toBe('/v3/marketing/membercard-open/cards?appid=wx1&offset=3&limit=20')
    expect(buildCardsTarget({ limit: 1, offset: 0, appid: 'wx1', brand_id: 'b' }))
      .toBe('/v3/marketing/membercard-open/cards?brand_id=b&appid=wx1&offset=0&limit=1')
  })

  it('percent-encodes values so the signed string is the one on the wire', () => {
    expect(buildCardsTarget({ appid: 'wx1', offset: 0, limit: 1, brand_id: 'a b&c=中' }))
      .toBe('/v3/marketing/membercard-open/cards?brand_id=a%20b%26c%3D%E4%B8%AD&appid=wx1&offset=0&limit=1')
  })
})
