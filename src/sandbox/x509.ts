import { sign, type KeyObject } from 'node:crypto'

/**
 * A minimal writer of X.509 v3 certificates (RFC 5280 §4.1) in DER, so the simulator can mint
 * platform certificates at run time without an openssl binary (the production image has none).
 * It writes only what a certificate needs to parse: no extensions, RSA with SHA-256, and a name
 * of country, organisation and common name, like WeChat Pay's own certificates.
 */
export interface CertificateFields {
  /** Hex, without a sign bit: a leading byte >= 0x80 gets a 0x00 in front, as DER requires. */
  serialHex: string
  subject: NameFields
  issuer: NameFields
  notBefore: Date
  notAfter: Date
  publicKey: KeyObject
  /** The issuer's key; the subject's own key for a self-signed certificate. */
  signingKey: KeyObject
}

export interface NameFields { country: string, organization: string, commonName: string }

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11'
const OID_COUNTRY = '2.5.4.6'
const OID_ORGANIZATION = '2.5.4.10'
const OID_COMMON_NAME = '2.5.4.3'

function length (n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

function tlv (tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content)
  return Buffer.concat([Buffer.from([tag]), length(body.length), body])
}

const sequence = (...items: Buffer[]): Buffer => tlv(0x30, ...items)

function integer (hex: string): Buffer {
  let bytes = Buffer.from(hex.length % 2 === 0 ? hex : '0' + hex, 'hex')
  while (bytes.length > 1 && bytes[0] === 0 && ((bytes[1] ?? 0) & 0x80) === 0) bytes = bytes.subarray(1)
  if (((bytes[0] ?? 0) & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes])
  return tlv(0x02, bytes)
}

function oid (dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number)
  const bytes = [first * 40 + second]
  for (const arc of rest) {
    const groups = [arc & 0x7f]
    for (let value = arc >>> 7; value > 0; value >>>= 7) groups.unshift((value & 0x7f) | 0x80)
    bytes.push(...groups)
  }
  return tlv(0x06, Buffer.from(bytes))
}

function name (fields: NameFields): Buffer {
  const attribute = (type: string, tag: number, value: string): Buffer =>
    tlv(0x31, sequence(oid(type), tlv(tag, Buffer.from(value, 'utf8'))))
  // PrintableString for the country code (RFC 5280 Appendix A), UTF8String for the rest.
  return sequence(attribute(OID_COUNTRY, 0x13, fields.country), attribute(OID_ORGANIZATION, 0x0c, fields.organization),
    attribute(OID_COMMON_NAME, 0x0c, fields.commonName))
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, both in seconds and Z. */
function time (at: Date): Buffer {
  const iso = at.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z'
  const year = at.getUTCFullYear()
  return year < 2050 ? tlv(0x17, Buffer.from(iso.slice(2), 'ascii')) : tlv(0x18, Buffer.from(iso, 'ascii'))
}

/** The certificate in DER. */
export function writeCertificate (fields: CertificateFields): Buffer {
  const algorithm = sequence(oid(SHA256_WITH_RSA), tlv(0x05))
  const tbs = sequence(
    tlv(0xa0, integer('02')), // [0] EXPLICIT version: v3
    integer(fields.serialHex),
    algorithm,
    name(fields.issuer),
    sequence(time(fields.notBefore), time(fields.notAfter)),
    name(fields.subject),
    fields.publicKey.export({ type: 'spki', format: 'der' })
  )
  const signature = sign('sha256', tbs, fields.signingKey)
  return sequence(tbs, algorithm, tlv(0x03, Buffer.from([0]), signature))
}

export function toPem (der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? []
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`
}
