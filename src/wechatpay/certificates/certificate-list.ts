import { X509Certificate, type KeyObject } from 'node:crypto'
import { Apiv3KeyRejectedError, decryptAead } from './aead.js'

export interface PlatformCertificate {
  /** As answers name it in Wechatpay-Serial. */
  serial: string
  publicKey: KeyObject
  effectiveAt: Date
  /** The earlier of the listing's `expire_time` and the certificate's own notAfter. */
  expiresAt: Date
}

export interface CertificateList {
  certificates: PlatformCertificate[]
  skipped: Array<{ serial: string, reason: string }>
}

export class CertificateListError extends Error {
  constructor (message: string) {
    super(`GET /v3/certificates: ${message}`)
    this.name = 'CertificateListError'
  }
}

type Entry = Record<string, unknown>

/** docs/wechatpay-protocol.md §2.4 A. One certificate that does not decrypt fails the whole list, since all share the key. */
export function parseCertificateList (body: Buffer, apiv3Key: Buffer): CertificateList {
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    throw new CertificateListError('the body is not JSON')
  }
  const data = (parsed as { data?: unknown } | null)?.data
  if (!Array.isArray(data)) throw new CertificateListError('the body has no data array')

  const list: CertificateList = { certificates: [], skipped: [] }
  for (const item of data as unknown[]) {
    const entry = (item !== null && typeof item === 'object' ? item : {}) as Entry
    const serial = typeof entry.serial_no === 'string' ? entry.serial_no.trim().toUpperCase() : ''
    try {
      list.certificates.push(readEntry(entry, serial, apiv3Key))
    } catch (err) {
      if (err instanceof Apiv3KeyRejectedError) throw err
      list.skipped.push({ serial, reason: (err as Error).message })
    }
  }
  return list
}

function readEntry (entry: Entry, serial: string, apiv3Key: Buffer): PlatformCertificate {
  if (!/^[0-9A-F]{1,64}$/.test(serial)) throw new Error('serial_no is not hex')
  const sealed = (entry.encrypt_certificate ?? {}) as Entry
  const { algorithm, nonce, ciphertext } = sealed
  const associatedData = sealed.associated_data ?? ''
  if (algorithm !== 'AEAD_AES_256_GCM') throw new Error(`unsupported algorithm ${String(algorithm)}`)
  if (typeof nonce !== 'string' || typeof ciphertext !== 'string' || typeof associatedData !== 'string') {
    throw new Error('encrypt_certificate lacks nonce, associated_data or ciphertext')
  }
  const pem = decryptAead(apiv3Key, nonce, associatedData, ciphertext).toString('utf8')
  const x509 = new X509Certificate(pem)
  // The listing's serial is what answers name; it must be the certificate's own.
  if (stripZeros(x509.serialNumber.toUpperCase()) !== stripZeros(serial)) {
    throw new Error(`serial_no does not match the certificate's serial ${x509.serialNumber}`)
  }
  if (x509.publicKey.asymmetricKeyType !== 'rsa') throw new Error('the certificate does not hold an RSA key')
  const notAfter = new Date(x509.validTo)
  const listed = typeof entry.expire_time === 'string' ? new Date(entry.expire_time) : notAfter
  const effective = typeof entry.effective_time === 'string' ? new Date(entry.effective_time) : new Date(x509.validFrom)
  const expiresAt = Number.isNaN(listed.getTime()) || listed > notAfter ? notAfter : listed
  return {
    serial,
    publicKey: x509.publicKey,
    effectiveAt: Number.isNaN(effective.getTime()) ? new Date(x509.validFrom) : effective,
    expiresAt
  }
}

function stripZeros (hex: string): string {
  return hex.replace(/^0+(?=.)/, '')
}
