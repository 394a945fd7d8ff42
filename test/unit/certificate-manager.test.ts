import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Apiv3KeyRejectedError } from '../../src/wechatpay/certificates/aead.js'
import type { Download } from '../../src/wechatpay/certificates/certificate-download.js'
import type { PlatformCertificate } from '../../src/wechatpay/certificates/certificate-list.js'
import { CertificateManager } from '../../src/wechatpay/certificates/certificate-manager.js'
import { KeyStore } from '../../src/wechatpay/key-store.js'

// The manager's policy on an injected clock and a scripted download: no network, no timers waited on.
const T0 = Date.UTC(2025, 5, 1, 4, 0, 0)
const DAY = 86_400_000
const PUB_KEY_ID = 'PUB_KEY_ID_0114232134912410000000000000'
const key: KeyObject = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey

let clock: number
let keys: KeyStore
let logs: Array<{ level: string, fields: Record<string, unknown>, message: string }>
let script: Array<() => Download>
let downloads: number
let manager: CertificateManager | undefined

function cert (serial: string, effectiveDaysAgo: number, expiresInMs: number): PlatformCertificate {
  return { serial, publicKey: key, effectiveAt: new Date(clock - effectiveDaysAgo * DAY), expiresAt: new Date(clock + expiresInMs) }
}
const listed = (...certificates: PlatformCertificate[]): Download =>
  ({ kind: 'listed', body: Buffer.from('{}'), list: { certificates, skipped: [] }, trust: 'signature' })
const none: Download = { kind: 'none', reason: 'GET /v3/certificates answered 404 RESOURCE_NOT_EXISTS' }

function create (publicKeyId?: string): CertificateManager {
  const log = (level: string) => (fields: object, message: string) => {
    logs.push({ level, fields: fields as Record<string, unknown>, message })
  }
  manager = new CertificateManager({
    mchid: '1900000109',
    publicKeyId,
    apiv3Key: Buffer.alloc(32, 'k'),
    keys,
    download: async () => {
      downloads++
      await new Promise((resolve) => setImmediate(resolve))
      const next = script.length > 1 ? script.shift() : script[0]
      if (next === undefined) throw new Error('no download scripted')
      return next()
    },
    refreshIntervalMs: 12 * 3_600_000,
    sharedWaitMs: 100,
    log: { info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug') },
    now: () => clock
  })
  if (publicKeyId !== undefined) keys.set(publicKeyId, key)
  return manager
}

beforeEach(() => {
  clock = T0
  keys = new KeyStore()
  logs = []
  script = []
  downloads = 0
})
afterEach(() => { manager?.close() })

describe('download and key selection', () => {
  it('keeps every unexpired certificate by serial and names the newest one in effect', async () => {
    const old = cert('1A2B', 400, 300 * DAY)
    const current = cert('3C4D', 10, 1800 * DAY)
    const next = { ...cert('5E6F', 0, 1900 * DAY), effectiveAt: new Date(T0 + DAY) } // listed a day before use
    script = [() => listed(old, current, next)]
    const certificates = create()
    await certificates.start()
    expect(certificates.mode).toBe('platform-certificate')
    expect(keys.serials().sort()).toEqual(['1A2B', '3C4D', '5E6F'])
    expect(certificates.acceptSerial()).toBe('3C4D')
    expect(certificates.newestExpiry()?.getTime()).toBe(T0 + 1900 * DAY)
    expect(certificates.health()).toEqual({ usable: true, check: 'ok' })
  })

  it('names the public key in requests whenever one is configured (both modes)', async () => {
    script = [() => listed(cert('3C4D', 10, 1800 * DAY))]
    const certificates = create(PUB_KEY_ID)
    await certificates.start()
    expect(certificates.mode).toBe('both')
    expect(certificates.acceptSerial()).toBe(PUB_KEY_ID)
    expect(keys.serials().sort()).toEqual(['3C4D', PUB_KEY_ID])
  })

  it('stops trusting a certificate WeChat Pay no longer lists, but never the public key', async () => {
    script = [() => listed(cert('1A2B', 10, 900 * DAY)), () => listed(cert('3C4D', 1, 1800 * DAY))]
    const certificates = create(PUB_KEY_ID)
    await certificates.start()
    await certificates.refresh('scheduled')
    expect(keys.serials().sort()).toEqual(['3C4D', PUB_KEY_ID])
  })
})

describe('following an unknown serial', () => {
  const current = (): PlatformCertificate => cert('1A2B', 10, 900 * DAY)
  const successor = (): PlatformCertificate => cert('3C4D', 0, 1800 * DAY)

  it('start-up does not spend the minute: a serial named a second later is downloaded and held at once', async () => {
    script = [() => listed(current()), () => listed(current(), successor())]
    const certificates = create()
    await certificates.start()
    clock += 1_000
    expect(await certificates.followUnknownSerial('3c4d')).toBe(true) // serials compare in upper case
    expect(downloads).toBe(2)
    expect(logs.findLast((l) => Array.isArray(l.fields.added))?.fields).toMatchObject({ reason: 'unknown-serial', added: ['3C4D'] })
  })

  it('nor do periodic refreshes', async () => {
    script = [() => listed(current()), () => listed(current()), () => listed(current(), successor())]
    const certificates = create()
    await certificates.start()
    clock += 1_000
    await certificates.refresh('scheduled')
    expect(await certificates.followUnknownSerial('3C4D')).toBe(true)
    expect(downloads).toBe(3)
  })

  it('joins a routine refresh under way, and spends nothing when that brings the serial', async () => {
    script = [() => listed(current()), () => listed(current(), successor()), () => listed(current(), successor())]
    const certificates = create()
    await certificates.start()
    const periodic = certificates.refresh('scheduled')
    expect(await certificates.followUnknownSerial('3C4D')).toBe(true)
    await periodic
    expect(downloads).toBe(2)
    expect(await certificates.followUnknownSerial('5E6F')).toBe(false) // the minute's download was still there to spend
    expect(downloads).toBe(3)
  })

  it('a burst of unknown serials costs one download; a serial its list lacks stays unknown for the minute', async () => {
    script = [() => listed(current()), () => listed(current(), successor())]
    const certificates = create()
    await certificates.start()
    const forged = Array.from({ length: 50 }, async (_, i) => await certificates.followUnknownSerial(`FFFF${i}`))
    const [real, ...rest] = await Promise.all([certificates.followUnknownSerial('3C4D'), ...forged])
    expect(real).toBe(true)
    expect(rest.every((found) => !found)).toBe(true)
    expect(downloads).toBe(2)

    clock += 59_000
    expect(await certificates.followUnknownSerial('FFFF0')).toBe(false)
    expect(await certificates.followUnknownSerial('EEEE')).toBe(false)
    expect(downloads).toBe(2)
    clock += 1_000
    expect(await certificates.followUnknownSerial('EEEE')).toBe(false)
    expect(downloads).toBe(3)
  })

  it('a failed download spends the minute too: failures cannot be turned into a storm', async () => {
    script = [() => listed(current()), () => { throw new Error('WeChat Pay could not be reached (ECONNRESET)') }, () => listed(current())]
    const certificates = create()
    await certificates.start()
    expect(await certificates.followUnknownSerial('3C4D')).toBe(false)
    expect(await certificates.followUnknownSerial('3C4D')).toBe(false)
    expect(downloads).toBe(2)
    expect(certificates.health()).toMatchObject({ usable: true, check: 'ok' }) // the keys held still verify
  })

  it('does not download for an answer signed with a public key it was not given, and says what to set', async () => {
    script = [() => listed(current())]
    const certificates = create()
    await certificates.start()
    expect(await certificates.followUnknownSerial('PUB_KEY_ID_0114000000000000000000000001')).toBe(false)
    expect(downloads).toBe(1)
    expect(logs.find((l) => l.level === 'warn')?.message).toMatch(/WECHATPAY_PUBLIC_KEY_ID/)
  })
})

describe('expiry', () => {
  it('drops certificates past expire_time and looks for successors', async () => {
    const old = cert('1A2B', 10, 60_000)
    const successor = cert('3C4D', 0, 1800 * DAY)
    script = [() => listed(old), () => listed(old, successor)]
    const certificates = create()
    await certificates.start()
    expect(certificates.health().usable).toBe(true)

    clock += 61_000
    certificates.prune() // what the verifier does before each answer
    expect(keys.get('1A2B')).toBeUndefined()
    expect(logs.some((l) => l.level === 'warn' && /expired; dropped/.test(l.message))).toBe(true)
    await certificates.refresh('joins the refresh the expiry started')
    expect(downloads).toBe(2)
    expect(certificates.certificates().map((c) => c.serial)).toEqual(['3C4D'])
    expect(certificates.health().usable).toBe(true)
  })

  it('with nothing left and no public key, is not usable', async () => {
    script = [() => listed(cert('1A2B', 10, 60_000))]
    const certificates = create()
    await certificates.start()
    clock += 61_000
    const health = certificates.health()
    expect(health.usable).toBe(false)
    expect(certificates.newestExpiry()).toBeUndefined()
  })

  it('warns when the newest certificate expires within 30 days', async () => {
    script = [() => listed(cert('1A2B', 1000, 12 * DAY))]
    await create().start()
    const warning = logs.find((l) => l.level === 'warn')
    expect(warning?.message).toMatch(/expires in 12 days/)
    expect(warning?.fields.newest_expiry).toBe(new Date(T0 + 12 * DAY).toISOString())
  })
})

describe('what cannot be fixed by waiting', () => {
  it('a wrong APIv3 key: not usable, even with a public key, until a refresh succeeds', async () => {
    script = [() => { throw new Apiv3KeyRejectedError() }, () => listed(cert('1A2B', 10, 900 * DAY))]
    const certificates = create(PUB_KEY_ID)
    await certificates.start()
    const health = certificates.health()
    expect(health).toMatchObject({ usable: false, check: 'apiv3-key-rejected' })
    expect(health.detail).toMatch(/WECHATPAY_APIV3_KEY/)
    expect(logs.find((l) => l.level === 'error')?.message).toMatch(/WECHATPAY_APIV3_KEY/)
    await certificates.refresh('retry')
    expect(certificates.health()).toEqual({ usable: true, check: 'ok' })
  })

  it('no platform certificate and a public key: fine', async () => {
    script = [() => none]
    const certificates = create(PUB_KEY_ID)
    await certificates.start()
    expect(certificates.health()).toEqual({ usable: true, check: 'ok' })
    expect(certificates.acceptSerial()).toBe(PUB_KEY_ID)
    expect(logs.find((l) => l.level === 'info')?.message).toMatch(/public key alone/)
  })

  it('no platform certificate and no public key: start-up fails naming the public-key settings', async () => {
    script = [() => none]
    const certificates = create()
    await expect(certificates.start()).rejects.toThrow(/WECHATPAY_PUBLIC_KEY_ID and WECHATPAY_PUBLIC_KEY_FILE/)
    expect(certificates.health()).toMatchObject({ usable: false, check: 'no-platform-certificates' })
  })

  it('a failed download without any key: not usable, with the reason', async () => {
    script = [() => { throw new Error('WeChat Pay could not be reached (ECONNREFUSED)') }]
    const certificates = create()
    await certificates.start()
    expect(certificates.health()).toMatchObject({
      usable: false,
      check: 'certificates-unavailable',
      detail: expect.stringMatching(/ECONNREFUSED/)
    })
  })

  it('public-key mode downloads nothing', async () => {
    const certificates = new CertificateManager({
      mchid: '1900000109',
      publicKeyId: PUB_KEY_ID,
      apiv3Key: undefined,
      keys,
      download: async () => { throw new Error('must not download') },
      refreshIntervalMs: 3_600_000,
      sharedWaitMs: 100,
      log: { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} },
      now: () => clock
    })
    manager = certificates
    await certificates.start()
    expect(await certificates.followUnknownSerial('1A2B')).toBe(false)
    expect(certificates.mode).toBe('public-key')
    expect(certificates.acceptSerial()).toBe(PUB_KEY_ID)
    expect(certificates.health().usable).toBe(true)
  })
})
