import { generateKeyPairSync, randomBytes, randomInt, type KeyObject } from 'node:crypto'

/**
 * Throw-away key material for sandbox mode and tests: one RSA-2048 pair for the merchant (it signs
 * requests, the simulator verifies them) and one for "WeChat Pay" (the simulator signs answers, the
 * merchant verifies them). Nothing here is ever written to disk.
 *
 * @see docs/wechatpay-protocol.md §1.2 (merchant key), §2.4 B (WeChat Pay public key)
 */
export interface SandboxCredentials {
  mchid: string
  merchantSerialNo: string
  merchantPrivateKey: KeyObject
  merchantPublicKey: KeyObject
  wechatpayPublicKeyId: string
  wechatpayPrivateKey: KeyObject
  wechatpayPublicKey: KeyObject
}

function randomDigits (count: number): string {
  let out = ''
  for (let i = 0; i < count; i++) out += String(randomInt(10))
  return out
}

export function generateSandboxCredentials (): SandboxCredentials {
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const wechatpay = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return {
    // Real merchant ids are 10 digits; test merchants in WeChat's docs start with 19.
    mchid: '19' + randomDigits(8),
    // Merchant API certificate serials are uppercase hex, typically 40 chars (§1.3).
    merchantSerialNo: randomBytes(20).toString('hex').toUpperCase(),
    merchantPrivateKey: merchant.privateKey,
    merchantPublicKey: merchant.publicKey,
    // Public-key ids look like PUB_KEY_ID_0000000000000024101100397200000006 (§2.4 B).
    wechatpayPublicKeyId: 'PUB_KEY_ID_' + randomDigits(32),
    wechatpayPrivateKey: wechatpay.privateKey,
    wechatpayPublicKey: wechatpay.publicKey
  }
}

/** WeChat Pay's side of a generated merchant: whose signatures it checks, and how it signs answers. */
export function simulatorSideOf (generated: SandboxCredentials): {
  mchid: string
  merchantSerialNo: string
  merchantPublicKey: KeyObject
  signingKey: KeyObject
  signingSerial: string
} {
  return {
    mchid: generated.mchid,
    merchantSerialNo: generated.merchantSerialNo,
    merchantPublicKey: generated.merchantPublicKey,
    signingKey: generated.wechatpayPrivateKey,
    signingSerial: generated.wechatpayPublicKeyId
  }
}
