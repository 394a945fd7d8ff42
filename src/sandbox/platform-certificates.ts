import { createCipheriv, generateKeyPairSync, randomBytes, randomInt, type KeyObject } from 'node:crypto'
import { toPem, writeCertificate } from './x509.js'

/**
 * WeChat Pay's side of platform-certificate mode (docs/wechatpay-protocol.md §2.4 A): certificates it signs answers
 * with, and the `GET /v3/certificates` listing that hands them out encrypted under the merchant's
 * APIv3 key. Written from docs/wechatpay-protocol.md with node:crypto only, never with the service's decryptor.
 */
export interface PlatformCertificate {
  /** Uppercase hex, 40 characters, as WeChat Pay writes serial_no. */
  serial: string
  certificatePem: string
  privateKey: KeyObject
  publicKey: KeyObject
  effectiveTime: Date
  expireTime: Date
}

export interface PlatformCertificateOptions {
  effectiveTime?: Date
  expireTime?: Date
  now?: number
}

const DAY_MS = 86_400_000
// Platform certificates live five years (docs/wechatpay-protocol.md §2.4 A).
const LIFETIME_MS = 5 * 365 * DAY_MS
const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

function randomText (length: number): string {
  let out = ''
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]
  return out
}

/** An APIv3 key as merchants set it: 32 ASCII letters and digits. */
export function generateApiv3Key (): string {
  return randomText(32)
}

/** A fresh key pair and certificate; valid from a day ago for five years unless told otherwise. */
export function generatePlatformCertificate (options: PlatformCertificateOptions = {}): PlatformCertificate {
  const now = options.now ?? Date.now()
  const effectiveTime = options.effectiveTime ?? new Date(now - DAY_MS)
  const expireTime = options.expireTime ?? new Date(effectiveTime.getTime() + LIFETIME_MS)
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  // 20 bytes whose first is 0x10-0x7f: always 40 hex digits, never a DER sign byte in front.
  const serial = (randomInt(0x10, 0x80).toString(16) + randomBytes(19).toString('hex')).toUpperCase()
  const der = writeCertificate({
    serialHex: serial,
    subject: { country: 'CN', organization: '财付通支付科技有限公司', commonName: 'Tenpay.com sandbox platform certificate' },
    issuer: { country: 'CN', organization: 'Tenpay.com', commonName: 'Tenpay.com sandbox CA' },
    notBefore: effectiveTime,
    notAfter: expireTime,
    publicKey,
    signingKey: privateKey
  })
  return { serial, certificatePem: toPem(der), privateKey, publicKey, effectiveTime, expireTime }
}

/** RFC 3339 in China Standard Time, to the second, the way /v3/certificates writes times. */
export function beijingTime (at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00')
}

/**
 * AEAD_AES_256_GCM as docs/wechatpay-protocol.md §2.4 A describes it: key = the APIv3 key's bytes, IV = a 12
 * character nonce, AAD = `associated_data`, ciphertext = Base64 of the encrypted bytes followed by
 * the 16-byte tag.
 */
export function encryptCertificate (certificatePem: string, apiv3Key: string): Record<string, string> {
  const nonce = randomText(12)
  const associatedData = 'certificate'
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiv3Key, 'utf8'), Buffer.from(nonce, 'utf8'))
  cipher.setAAD(Buffer.from(associatedData, 'utf8'))
  const encrypted = Buffer.concat([cipher.update(certificatePem, 'utf8'), cipher.final(), cipher.getAuthTag()])
  return { algorithm: 'AEAD_AES_256_GCM', nonce, associated_data: associatedData, ciphertext: encrypted.toString('base64') }
}

/** The body of a `GET /v3/certificates` answer listing `certificates`. */
export function certificateListing (certificates: readonly PlatformCertificate[], apiv3Key: string): Buffer {
  const data = certificates.map((cert) => ({
    serial_no: cert.serial,
    effective_time: beijingTime(cert.effectiveTime),
    expire_time: beijingTime(cert.expireTime),
    encrypt_certificate: encryptCertificate(cert.certificatePem, apiv3Key)
  }))
  return Buffer.from(JSON.stringify({ data }), 'utf8')
}
