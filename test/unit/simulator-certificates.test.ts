import { execFileSync } from 'node:child_process'
import { createDecipheriv, randomBytes, sign, verify, X509Certificate, type KeyObject } from 'node:crypto'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { generateSandboxCredentials, simulatorSideOf, type SandboxCredentials } from '../../src/sandbox/credentials.js'
import { generatePlatformCertificate, type PlatformCertificate } from '../../src/sandbox/platform-certificates.js'
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sandbox/simulator.js'

// The simulator's side of platform-certificate mode, checked with node:crypto and openssl directly:
// nothing from src/wechatpay is used here.
let creds: SandboxCredentials
let sim: Simulator | undefined

beforeAll(() => { creds = generateSandboxCredentials() })
afterEach(async () => { await sim?.close() })

async function start (options: Partial<SimulatorOptions> = {}): Promise<Simulator> {
  sim = await startSimulator({ ...simulatorSideOf(creds), ...options })
  return sim
}

async function get (
  simulator: Simulator,
  path: string,
  wechatpaySerial?: string
): Promise<{ status: number, headers: Headers, body: Buffer }> {
  const ts = String(Math.floor(Date.now() / 1000))
  const nonce = randomBytes(16).toString('hex')
  const signature = sign('sha256', Buffer.from(`GET\n${path}\n${ts}\n${nonce}\n\n`), creds.merchantPrivateKey).toString('base64')
  const res = await fetch(simulator.url + path, {
    headers: {
      accept: 'application/json',
      'user-agent': 'simulator-certificates-test',
      authorization: `WECHATPAY2-SHA256-RSA2048 mchid="${creds.mchid}",nonce_str="${nonce}",timestamp="${ts}",` +
        `serial_no="${creds.merchantSerialNo}",signature="${signature}"`,
      ...(wechatpaySerial === undefined ? {} : { 'wechatpay-serial': wechatpaySerial })
    }
  })
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) }
}

function signedBy (answer: { headers: Headers, body: Buffer }, key: KeyObject): boolean {
  const message = Buffer.concat([
    Buffer.from(`${answer.headers.get('wechatpay-timestamp') ?? ''}\n${answer.headers.get('wechatpay-nonce') ?? ''}\n`),
    answer.body,
    Buffer.from('\n')
  ])
  return verify('sha256', message, key, Buffer.from(answer.headers.get('wechatpay-signature') ?? '', 'base64'))
}

interface Entry { serial_no: string, effective_time: string, expire_time: string, encrypt_certificate: Record<string, string> }

function decrypt (entry: Entry, apiv3Key: string): string {
  const { nonce = '', associated_data: aad = '', ciphertext = '', algorithm } = entry.encrypt_certificate
  expect(algorithm).toBe('AEAD_AES_256_GCM')
  const sealed = Buffer.from(ciphertext, 'base64')
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiv3Key), Buffer.from(nonce))
  decipher.setAAD(Buffer.from(aad))
  decipher.setAuthTag(sealed.subarray(-16))
  return Buffer.concat([decipher.update(sealed.subarray(0, -16)), decipher.final()]).toString('utf8')
}

describe('GET /v3/certificates', () => {
  it('lists each certificate encrypted under the APIv3 key, readable by openssl', async () => {
    const certificate = generatePlatformCertificate()
    const simulator = await start({ certificates: [certificate] })
    const answer = await get(simulator, '/v3/certificates')
    expect(answer.status).toBe(200)
    const { data } = JSON.parse(answer.body.toString('utf8')) as { data: Entry[] }
    expect(data).toHaveLength(1)
    const entry = data[0] as Entry
    expect(entry.serial_no).toBe(certificate.serial)
    expect(entry.encrypt_certificate.associated_data).toBe('certificate')
    expect(entry.encrypt_certificate.nonce).toMatch(/^[0-9A-Za-z]{12}$/)
    expect(entry.expire_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/)
    const pem = decrypt(entry, simulator.apiv3Key)
    const shown = execFileSync('openssl', ['x509', '-noout', '-serial', '-enddate'], { input: pem }).toString()
    expect(shown).toContain(`serial=${certificate.serial}`)
    expect(new Date(/notAfter=(.*)/.exec(shown)?.[1] ?? '').getTime()).toBe(Math.floor(certificate.expireTime.getTime() / 1000) * 1000)
    expect(new X509Certificate(pem).verify(certificate.publicKey)).toBe(true)
    // Without Wechatpay-Serial the answer is signed with the platform certificate.
    expect(answer.headers.get('wechatpay-serial')).toBe(certificate.serial)
    expect(signedBy(answer, certificate.publicKey)).toBe(true)
  })

  it('signs with the public key when the request names it, as during the migration', async () => {
    const certificate = generatePlatformCertificate()
    const simulator = await start({ certificates: [certificate] })
    const answer = await get(simulator, '/v3/certificates', creds.wechatpayPublicKeyId)
    expect(answer.headers.get('wechatpay-serial')).toBe(creds.wechatpayPublicKeyId)
    expect(signedBy(answer, creds.wechatpayPublicKey)).toBe(true)
  })

  it('answers 404 RESOURCE_NOT_EXISTS for a merchant without certificates, or an empty list when told to', async () => {
    const notFound = await get(await start(), '/v3/certificates')
    expect(notFound.status).toBe(404)
    expect(JSON.parse(notFound.body.toString())).toMatchObject({ code: 'RESOURCE_NOT_EXISTS' })
    await sim?.close()
    const empty = await get(await start({ noCertificates: 'empty-list' }), '/v3/certificates')
    expect(empty.status).toBe(200)
    expect(JSON.parse(empty.body.toString())).toEqual({ data: [] })
  })
})

describe('rotation and the signing key', () => {
  it('a rotation lists the new certificate and signs with it; signWith forces a key', async () => {
    const first = generatePlatformCertificate()
    const simulator = await start({ certificates: [first] })
    const cards = '/v3/marketing/membercard-open/cards?appid=wx1234&offset=0&limit=1'
    expect((await get(simulator, cards, first.serial)).headers.get('wechatpay-serial')).toBe(first.serial)

    const second: PlatformCertificate = simulator.rotateCertificate()
    expect(simulator.certificates.map((c) => c.serial)).toEqual([first.serial, second.serial])
    const rotated = await get(simulator, cards, first.serial)
    expect(rotated.status).toBe(200)
    expect(rotated.headers.get('wechatpay-serial')).toBe(second.serial)
    expect(signedBy(rotated, second.publicKey)).toBe(true)

    simulator.signWith(first.serial)
    expect(signedBy(await get(simulator, cards), first.publicKey)).toBe(true)
    simulator.signWith(creds.wechatpayPublicKeyId)
    expect((await get(simulator, cards, second.serial)).headers.get('wechatpay-serial')).toBe(creds.wechatpayPublicKeyId)
    expect(() => { simulator.signWith('ABCDEF') }).toThrow(/no key/)
  })

  it('refuses a request naming a serial it does not hold', async () => {
    const simulator = await start({ certificates: [generatePlatformCertificate()] })
    const answer = await get(simulator, '/v3/certificates', 'ABCDEF0123')
    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.body.toString())).toMatchObject({ code: 'PARAM_ERROR', detail: { field: 'Wechatpay-Serial' } })
  })
})
