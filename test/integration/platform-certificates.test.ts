import { afterEach, describe, expect, it } from 'vitest'
import { generatePlatformCertificate } from '../../src/sandbox/platform-certificates.js'
import { startFakeWechatpay, type FakeWechatpay, type FakeWechatpayOptions } from '../helpers/fake-wechatpay.js'
import { ADMIN, startTestApp, type TestApp } from '../helpers/app.js'
import { uniqueAppid } from '../helpers/unique.js'

// Platform-certificate mode against the simulator over real HTTP: the service downloads, decrypts
// and verifies /v3/certificates, and each answer verifies with the key it names (docs/wechatpay-protocol.md §2.4).
let fake: FakeWechatpay | undefined
let service: TestApp | undefined

afterEach(async () => {
  await service?.close()
  await fake?.simulator.close()
  service = undefined
  fake = undefined
})

async function start (options: FakeWechatpayOptions, now?: () => number): Promise<{ fake: FakeWechatpay, service: TestApp }> {
  fake = await startFakeWechatpay(options)
  service = await startTestApp(fake, {}, now === undefined ? {} : { now })
  return { fake, service }
}

const certificateCalls = (f: FakeWechatpay): unknown[] => f.simulator.calls.filter((call) => call.url === '/v3/certificates')
const cards = async (s: TestApp): Promise<Response> => await fetch(`${s.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`)
const readiness = async (s: TestApp): Promise<{ status: number, body: any }> => {
  const res = await fetch(`${s.url}/readyz`, { headers: ADMIN })
  return { status: res.status, body: await res.json() }
}

describe('platform-certificate mode (WECHATPAY_APIV3_KEY alone)', () => {
  it('downloads the certificates at start-up, names the newest in requests and verifies answers with it', async () => {
    const { fake, service } = await start({ keyMode: 'platform-certificate' })
    const serial = fake.simulator.certificates[0]?.serial as string
    expect(certificateCalls(fake)).toHaveLength(1)
    const [first] = fake.simulator.calls
    expect(first?.url).toBe('/v3/certificates')
    expect(first?.authorization.ok).toBe(true)
    // Nothing is trusted yet, so the first download names no key; its GCM tag is the trust.
    expect(first?.headers['wechatpay-serial']).toBeUndefined()
    expect(service.app.certificates.certificates().map((c) => c.serial)).toEqual([serial])

    const res = await cards(service)
    expect(res.status).toBe(200)
    expect(fake.simulator.calls.at(-1)?.headers['wechatpay-serial']).toBe(serial)

    const ready = await readiness(service)
    expect(ready.status).toBe(200)
    expect(ready.body).toMatchObject({
      status: 'ok',
      checks: { keys: 'ok' },
      keys: { mode: 'platform-certificate', platform_certificates: 1 }
    })
    const line = service.logs.find((l) => l.key_mode !== undefined)
    expect(line).toMatchObject({ level: 30, key_mode: 'platform-certificate', platform_certificates: [{ serial }] })
    expect(String(line?.msg)).toMatch(/key mode: platform certificates/)
  })

  it('verifies a later download with the certificate it holds, and refuses a tampered one without blaming the APIv3 key', async () => {
    const { fake, service } = await start({ keyMode: 'platform-certificate' })
    const serial = fake.simulator.certificates[0]?.serial as string
    await service.app.certificates.refresh('test')
    expect(fake.simulator.calls.at(-1)?.headers['wechatpay-serial']).toBe(serial)

    fake.simulator.enqueue({ kind: 'tamper' })
    await service.app.certificates.refresh('test')
    const failure = service.logs.find((l) => /downloading the platform certificates failed/.test(String(l.msg)))
    expect(String(failure?.msg)).toMatch(/bad-signature/)
    expect(service.app.certificates.health()).toMatchObject({ usable: true, check: 'ok' })
    expect((await cards(service)).status).toBe(200)
  })

  it('drops expired certificates: an answer signed with one is refused', async () => {
    const expired = generatePlatformCertificate({
      effectiveTime: new Date(Date.now() - 3 * 365 * 86_400_000),
      expireTime: new Date(Date.now() - 86_400_000)
    })
    const current = generatePlatformCertificate()
    const { fake, service } = await start({ keyMode: 'platform-certificate', certificates: [expired, current] })
    expect(service.app.certificates.certificates().map((c) => c.serial)).toEqual([current.serial])

    fake.simulator.signWith(expired.serial)
    const res = await cards(service)
    expect(res.status).toBe(502)
    expect(await res.json()).toMatchObject({ type: '/problems/upstream-signature-invalid' })
    expect(service.logs.some((l) => l.verification === 'unknown-serial')).toBe(true)
  })

  it('drops a certificate when it expires in service, and then stops serving without a key', async () => {
    let offsetMs = 0
    const only = generatePlatformCertificate({ expireTime: new Date(Date.now() + 120_000) })
    const { service } = await start({ keyMode: 'platform-certificate', certificates: [only] }, () => Date.now() + offsetMs)
    expect(service.logs.some((l) => l.level === 40 && /expires in 0 days/.test(String(l.msg)))).toBe(true)
    expect(service.app.certificates.newestExpiry()?.getTime()).toBe(Math.floor(only.expireTime.getTime() / 1000) * 1000)

    offsetMs = 180_000 // still within the 5 minutes of clock skew both sides allow
    const ready = await readiness(service)
    expect(ready.status).toBe(503)
    expect(ready.body.keys.platform_certificates).toBe(0)
    expect(service.logs.some((l) => l.serial === only.serial && /expired; dropped/.test(String(l.msg)))).toBe(true)
    const res = await cards(service)
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ type: '/problems/keys-unavailable' })
  })
})

describe('both modes at once (the migration)', () => {
  it('names the public key in requests; each answer verifies with the key it names', async () => {
    const { fake, service } = await start({ keyMode: 'both' })
    const serial = fake.simulator.certificates[0]?.serial as string
    expect(fake.simulator.calls[0]?.headers['wechatpay-serial']).toBe(fake.credentials.publicKeyId)
    expect(service.app.certificates.certificates().map((c) => c.serial)).toEqual([serial])

    expect((await cards(service)).status).toBe(200)
    expect(fake.simulator.calls.at(-1)?.headers['wechatpay-serial']).toBe(fake.credentials.publicKeyId)
    fake.simulator.signWith(serial)
    expect((await cards(service)).status).toBe(200)
    fake.simulator.signWith(fake.credentials.publicKeyId)
    expect((await cards(service)).status).toBe(200)

    expect((await readiness(service)).body).toMatchObject({ checks: { keys: 'ok' }, keys: { mode: 'both', platform_certificates: 1 } })
    expect(service.logs.find((l) => l.key_mode !== undefined))
      .toMatchObject({ key_mode: 'both', public_key_id: fake.credentials.publicKeyId })
  })
})

describe('a wrong APIv3 key', () => {
  it('is a clear error naming WECHATPAY_APIV3_KEY: not ready, /cards 503, until a refresh succeeds', async () => {
    const serviceKey = 'Z'.repeat(32)
    const { fake, service } = await start({ keyMode: 'platform-certificate', serviceApiv3Key: serviceKey })
    const error = service.logs.find((l) => l.level === 50 && /WECHATPAY_APIV3_KEY/.test(String(l.msg)))
    expect(String(error?.msg)).toMatch(/GCM tag does not verify/)

    const ready = await readiness(service)
    expect(ready.status).toBe(503)
    expect(ready.body).toMatchObject({ status: 'unavailable', checks: { keys: 'apiv3-key-rejected' } })
    expect(ready.body.keys.detail).toMatch(/WECHATPAY_APIV3_KEY/)
    // Without a token, readiness says only which check failed; what to fix is in the log.
    const open = await (await fetch(`${service.url}/readyz`)).json() as Record<string, unknown>
    expect(open).toEqual({ status: 'unavailable', checks: expect.objectContaining({ keys: 'apiv3-key-rejected' }) })
    expect(service.logs.find((l) => l.msg === 'readiness: unavailable')).toMatchObject({
      readiness: { keys: { detail: expect.stringMatching(/WECHATPAY_APIV3_KEY/) } }
    })

    const before = fake.simulator.calls.length
    const res = await cards(service)
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('30')
    expect(await res.json())
      .toMatchObject({ type: '/problems/keys-unavailable', status: 503, detail: expect.stringMatching(/see the log/) })
    expect(fake.simulator.calls).toHaveLength(before) // nothing was asked whose answer could not be verified

    // The merchant resets the APIv3 key in the merchant platform to the one the service has.
    fake.simulator.setApiv3Key(serviceKey)
    await service.app.certificates.refresh('test')
    expect((await readiness(service)).status).toBe(200)
    expect((await cards(service)).status).toBe(200)
    expect(service.rawLogs()).not.toContain(serviceKey)
  })

  it('keeps the service unready even when a public key could verify: never a silent pass', async () => {
    const { service } = await start({ keyMode: 'both', serviceApiv3Key: 'Y'.repeat(32) })
    expect((await readiness(service)).body.checks.keys).toBe('apiv3-key-rejected')
    expect((await cards(service)).status).toBe(503)
  })
})

describe('merchants without platform certificates (public key only)', () => {
  it.each([
    'not-found',
    'empty-list'
  ] as const)('are fine when the public key is configured (/v3/certificates: %s)', async (noCertificates) => {
    const { service } = await start({ keyMode: 'both', certificates: [], noCertificates })
    expect(service.logs.some((l) => /public key alone/.test(String(l.msg)))).toBe(true)
    expect((await readiness(service)).body).toMatchObject({ checks: { keys: 'ok' }, keys: { mode: 'both', platform_certificates: 0 } })
    expect((await cards(service)).status).toBe(200)
  })

  it.each([
    'not-found',
    'empty-list'
  ] as const)('fail start-up naming the public-key settings without one (/v3/certificates: %s)', async (noCertificates) => {
    fake = await startFakeWechatpay({ keyMode: 'platform-certificate', certificates: [], noCertificates })
    await expect(startTestApp(fake)).rejects
      .toThrow(/no platform certificate for merchant .*WECHATPAY_PUBLIC_KEY_ID and WECHATPAY_PUBLIC_KEY_FILE/)
  })
})
