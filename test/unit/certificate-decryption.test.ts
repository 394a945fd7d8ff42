import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Apiv3KeyRejectedError, decryptAead } from '../../src/wechatpay/certificates/aead.js'
import { CertificateListError, parseCertificateList } from '../../src/wechatpay/certificates/certificate-list.js'

/*
 * A known-answer vector our code did not compute. OpenSSL 3.0's `enc` refuses AEAD ciphers
 * ("AEAD ciphers not supported"), so the vector is assembled from what it does do, following
 * NIST SP 800-38D for a 96-bit IV: the ciphertext is AES-256-CTR from inc32(J0) = IV || 00000002
 * (`openssl enc -aes-256-ctr`), and the tag is GHASH_H(AAD, C) xor E_K(J0), with H = E_K(0^128)
 * and E_K(J0) from `openssl enc -aes-256-ecb`. GHASH is the small GF(2^128) multiply below, written
 * here from the standard, independently of node:crypto's GCM that the service uses. The plaintext is a
 * certificate made by `openssl req -x509`.
 */

let dir: string
const run = (args: string[], input?: Buffer): Buffer => execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'ignore'] })

function aesEcbBlock (keyHex: string, block: Buffer): Buffer {
  return run(['enc', '-aes-256-ecb', '-K', keyHex, '-nopad'], block)
}

// SP 800-38D Algorithm 1: X • Y in GF(2^128), bits numbered from the most significant.
const R = 0xe1n << 120n
function multiply (x: bigint, y: bigint): bigint {
  let z = 0n
  let v = y
  for (let i = 127n; i >= 0n; i--) {
    if (((x >> i) & 1n) === 1n) z ^= v
    v = (v & 1n) === 1n ? (v >> 1n) ^ R : v >> 1n
  }
  return z
}

const toBig = (block: Buffer): bigint => BigInt('0x' + (block.toString('hex') || '0'))
const toBlock = (value: bigint): Buffer => Buffer.from(value.toString(16).padStart(32, '0'), 'hex')
const padded = (data: Buffer): Buffer => Buffer.concat([data, Buffer.alloc((16 - (data.length % 16)) % 16)])

function ghash (h: bigint, aad: Buffer, ciphertext: Buffer): bigint {
  const lengths = Buffer.alloc(16)
  lengths.writeBigUInt64BE(BigInt(aad.length * 8), 0)
  lengths.writeBigUInt64BE(BigInt(ciphertext.length * 8), 8)
  const blocks = Buffer.concat([padded(aad), padded(ciphertext), lengths])
  let x = 0n
  for (let at = 0; at < blocks.length; at += 16) x = multiply(x ^ toBig(blocks.subarray(at, at + 16)), h)
  return x
}

interface Vector { apiv3Key: string, nonce: string, aad: string, ciphertext: string, plaintext: Buffer, serial: string }

function opensslVector (plaintext: Buffer, serial: string): Vector {
  const apiv3Key = randomBytes(16).toString('hex') // 32 ASCII characters, like a real APIv3 key
  const nonce = randomBytes(6).toString('hex') // 12 characters, as WeChat Pay sends
  const aad = 'certificate'
  const keyHex = Buffer.from(apiv3Key, 'utf8').toString('hex')
  const iv = Buffer.from(nonce, 'utf8')
  const encrypted = run(
    ['enc', '-aes-256-ctr', '-K', keyHex, '-iv', Buffer.concat([iv, Buffer.from('00000002', 'hex')]).toString('hex')],
    plaintext
  )
  const h = toBig(aesEcbBlock(keyHex, Buffer.alloc(16)))
  const ekj0 = toBig(aesEcbBlock(keyHex, Buffer.concat([iv, Buffer.from('00000001', 'hex')])))
  const tag = toBlock(ghash(h, Buffer.from(aad, 'utf8'), encrypted) ^ ekj0)
  return { apiv3Key, nonce, aad, ciphertext: Buffer.concat([encrypted, tag]).toString('base64'), plaintext, serial }
}

function listing (vector: Vector, serialNo = vector.serial, expireTime = '2099-01-01T00:00:00+08:00'): Buffer {
  return Buffer.from(JSON.stringify({
    data: [{
      serial_no: serialNo,
      effective_time: '2024-01-01T00:00:00+08:00',
      expire_time: expireTime,
      encrypt_certificate: {
        algorithm: 'AEAD_AES_256_GCM',
        nonce: vector.nonce,
        associated_data: vector.aad,
        ciphertext: vector.ciphertext
      }
    }]
  }))
}

let vector: Vector

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wxpay-gcm-'))
  const serial = '6' + randomBytes(19).toString('hex').toUpperCase().slice(1)
  const cert = join(dir, 'cert.pem')
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', cert,
    '-subj', '/C=CN/O=Tenpay.com/CN=Tenpay.com test', '-days', '30', '-set_serial', '0x' + serial])
  vector = opensslVector(readFileSync(cert), serial)
})
afterAll(() => { if (dir !== undefined) rmSync(dir, { recursive: true, force: true }) })

describe('AEAD_AES_256_GCM decryption (docs/wechatpay-protocol.md §2.4 A)', () => {
  it('the GHASH above is right: it reproduces the GCM spec test case 16 tag (AES-256, 96-bit IV)', () => {
    // McGrew & Viega, "The Galois/Counter Mode of Operation", Test Case 16, computed with openssl AES.
    const keyHex = 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308'
    const iv = Buffer.from('cafebabefacedbaddecaf888', 'hex')
    const plaintext = Buffer.from('d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72' +
      '1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39', 'hex')
    const aad = Buffer.from('feedfacedeadbeeffeedfacedeadbeefabaddad2', 'hex')
    const ciphertext = run(
      ['enc', '-aes-256-ctr', '-K', keyHex, '-iv', Buffer.concat([iv, Buffer.from('00000002', 'hex')]).toString('hex')],
      plaintext
    )
    expect(ciphertext.toString('hex')).toBe('522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa' +
      '8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662')
    const h = toBig(aesEcbBlock(keyHex, Buffer.alloc(16)))
    const ekj0 = toBig(aesEcbBlock(keyHex, Buffer.concat([iv, Buffer.from('00000001', 'hex')])))
    expect(toBlock(ghash(h, aad, ciphertext) ^ ekj0).toString('hex')).toBe('76fc6ece0f4e1768cddf8853bb2d551b')
  })

  it('decrypts the openssl-made vector to the certificate byte for byte', () => {
    const plaintext = decryptAead(Buffer.from(vector.apiv3Key, 'utf8'), vector.nonce, vector.aad, vector.ciphertext)
    expect(plaintext.equals(vector.plaintext)).toBe(true)
    expect(plaintext.toString('utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/)
  })

  it('opens a ciphertext that is exactly one tag long to an empty plaintext, and still checks that tag', () => {
    const empty = opensslVector(Buffer.alloc(0), vector.serial)
    const open = (ciphertext: string): Buffer => decryptAead(Buffer.from(empty.apiv3Key, 'utf8'), empty.nonce, empty.aad, ciphertext)
    expect(Buffer.from(empty.ciphertext, 'base64')).toHaveLength(16)
    expect(open(empty.ciphertext)).toEqual(Buffer.alloc(0))
    const forged = Buffer.from(empty.ciphertext, 'base64')
    forged[0] = (forged[0] ?? 0) ^ 0x01
    expect(() => open(forged.toString('base64'))).toThrow(Apiv3KeyRejectedError)
    // Shorter than a tag cannot be AEAD_AES_256_GCM at all.
    expect(() => open(forged.subarray(1).toString('base64'))).toThrow(RangeError)
  })

  it('refuses a wrong APIv3 key with an error that names WECHATPAY_APIV3_KEY', () => {
    const wrong = Buffer.from(randomBytes(16).toString('hex'), 'utf8')
    expect(() => decryptAead(wrong, vector.nonce, vector.aad, vector.ciphertext)).toThrow(Apiv3KeyRejectedError)
    expect(() => decryptAead(wrong, vector.nonce, vector.aad, vector.ciphertext)).toThrow(/WECHATPAY_APIV3_KEY/)
  })

  it.each([
    ['another nonce', (v: Vector) => ({ ...v, nonce: 'x' + v.nonce.slice(1) })],
    ['another associated_data', (v: Vector) => ({ ...v, aad: 'certificatE' })],
    ['one ciphertext byte changed', (v: Vector) => {
      const bytes = Buffer.from(v.ciphertext, 'base64')
      bytes[10] = (bytes[10] ?? 0) ^ 0x01
      return { ...v, ciphertext: bytes.toString('base64') }
    }]
  ])('refuses %s (the tag covers it)', (_label, change) => {
    const v = change(vector)
    expect(() => decryptAead(Buffer.from(v.apiv3Key, 'utf8'), v.nonce, v.aad, v.ciphertext)).toThrow(Apiv3KeyRejectedError)
  })
})

describe('the certificate list', () => {
  it('yields the certificate under its uppercase serial, with openssl\'s serial and the listed expiry', () => {
    const serial = run(['x509', '-noout', '-serial'], vector.plaintext).toString().trim().replace(/^serial=/, '')
    const list = parseCertificateList(listing(vector, vector.serial.toLowerCase(), '2030-06-01T12:00:00+08:00'),
      Buffer.from(vector.apiv3Key, 'utf8'))
    expect(list.skipped).toEqual([])
    expect(list.certificates).toHaveLength(1)
    const [cert] = list.certificates
    expect(cert?.serial).toBe(serial.toUpperCase())
    expect(cert?.publicKey.asymmetricKeyType).toBe('rsa')
    // The certificate itself ends in 30 days: the earlier date wins.
    expect(cert?.expiresAt.getTime()).toBeLessThan(Date.now() + 31 * 86_400_000)
    const later = parseCertificateList(listing(vector, vector.serial, '2000-01-01T00:00:00+08:00'), Buffer.from(vector.apiv3Key, 'utf8'))
    expect(later.certificates[0]?.expiresAt.toISOString()).toBe('1999-12-31T16:00:00.000Z')
  })

  it('leaves out an entry whose serial_no is not the certificate\'s own', () => {
    const list = parseCertificateList(listing(vector, '5157F09EFDC096DE15EBE81A47057A7232F1B8E1'), Buffer.from(vector.apiv3Key, 'utf8'))
    expect(list.certificates).toEqual([])
    expect(list.skipped[0]?.reason).toMatch(/does not match/)
  })

  it('fails the whole list when the APIv3 key is wrong', () => {
    expect(() => parseCertificateList(listing(vector), Buffer.from('b'.repeat(32)))).toThrow(Apiv3KeyRejectedError)
  })

  it('refuses a body that is not the documented list', () => {
    expect(() => parseCertificateList(Buffer.from('<html>'), Buffer.from(vector.apiv3Key))).toThrow(CertificateListError)
    expect(() => parseCertificateList(Buffer.from('{"certificates":[]}'), Buffer.from(vector.apiv3Key))).toThrow(/no data array/)
  })
})
