import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import type { Fault } from '../../src/sandbox/simulator.js'
import { startFakeWechatpay, type FakeKeyMode, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { SHARED_REDIS } from '../helpers/redis-server.js'
import { uniqueAppid } from '../helpers/unique.js'

// A rotation as WeChat Pay does it (docs/wechatpay-protocol.md §2.4 A), at its worst: the new
// certificate is listed and signs at once. The service follows it on the first answer that names
// it, whatever refreshed last, without refusing that answer; a fleet sharing Redis downloads once
// for it. Forged serials cost at most one download a minute for the whole fleet.
let fake: FakeWechatpay | undefined
let replicas: TestApp[] = []

afterEach(async () => {
  for (const replica of replicas) await replica.close()
  await fake?.simulator.close()
  replicas = []
  fake = undefined
})

async function start (keyMode: FakeKeyMode = 'platform-certificate'): Promise<FakeWechatpay> {
  fake = await startFakeWechatpay({ keyMode })
  return fake
}
/** A replica of the fleet that shares the machine's Redis (keys are per merchant, so per test). */
async function replica (f: FakeWechatpay): Promise<TestApp> {
  const started = await startTestApp(f, { redis: { settings: SHARED_REDIS } })
  replicas.push(started)
  return started
}

const certificateCalls = (f: FakeWechatpay): number => f.simulator.calls.filter((call) => call.url === '/v3/certificates').length
const cards = async (service: TestApp): Promise<number> =>
  (await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`)).status
const holds = (service: TestApp, serial: string): boolean => service.app.certificates.certificates().some((c) => c.serial === serial)
/** The log line of the refresh that added `serial`. */
const added = (service: TestApp, serial: string): Record<string, unknown> | undefined =>
  service.logs.find((l) => Array.isArray(l.added) && (l.added as string[]).includes(serial))
const refused = (service: TestApp): boolean => service.logs.some((l) => l.verification === 'unknown-serial')

describe('a rotation is followed on the first answer that names it', () => {
  it('1 s after start-up: that answer verifies, after one download', async () => {
    const fake = await start()
    const service = await startTestApp(fake)
    replicas.push(service)
    expect(certificateCalls(fake)).toBe(1)
    await sleep(1_000)

    const next = fake.simulator.rotateCertificate()
    expect(await cards(service)).toBe(200)
    expect(certificateCalls(fake)).toBe(2)
    expect(refused(service)).toBe(false)
    // The download was verified with the new certificate itself, found in the GCM-protected list.
    expect(added(service, next.serial)).toMatchObject({ via: 'download', reason: 'unknown-serial' })
    expect(await cards(service)).toBe(200)
    expect(fake.simulator.calls.at(-1)?.headers['wechatpay-serial']).toBe(next.serial)
  })

  it('a burst of answers naming the new serial costs one download and no refusal; a forged serial then costs none', async () => {
    const fake = await start()
    const service = await startTestApp(fake)
    replicas.push(service)

    fake.simulator.rotateCertificate()
    const statuses = await Promise.all(Array.from({ length: 20 }, async () => await cards(service)))
    expect(statuses).toEqual(Array.from({ length: 20 }, () => 200))
    expect(certificateCalls(fake)).toBe(2)

    // The minute's unknown-serial download is spent: a serial its list lacked is refused at once.
    fake.simulator.enqueue({ kind: 'serial', serial: 'ABCDEF0123456789' })
    expect(await cards(service)).toBe(502)
    expect(certificateCalls(fake)).toBe(2)
    expect(await cards(service)).toBe(200)
  })

  it('across a fleet sharing Redis: one download at start-up and one for the rotation, and no replica refuses', async () => {
    const fake = await start()
    const [a, b] = [await replica(fake), await replica(fake)]
    const first = fake.simulator.certificates[0]?.serial as string
    expect(certificateCalls(fake)).toBe(1)
    expect(added(b, first)).toMatchObject({ via: 'shared' }) // the list replica A shared

    // Within the minute of the start-up download, whose claim still stands.
    const next = fake.simulator.rotateCertificate()
    const statuses = await Promise.all(Array.from({ length: 20 }, async (_, i) => await cards(i % 2 === 0 ? a : b)))
    expect(statuses).toEqual(Array.from({ length: 20 }, () => 200))
    expect(certificateCalls(fake)).toBe(2)
    expect(holds(a, next.serial) && holds(b, next.serial)).toBe(true)
    const via = [added(a, next.serial)?.via, added(b, next.serial)?.via].sort()
    expect(via).toEqual(['download', 'shared'])
  })

  it('a replica started from a shared list that predates the rotation downloads on its first answer, and shares the list', async () => {
    const fake = await start()
    const a = await replica(fake)
    const next = fake.simulator.rotateCertificate()
    const b = await replica(fake)
    expect(certificateCalls(fake)).toBe(1) // B took the stale shared copy at start-up
    expect(holds(b, next.serial)).toBe(false)

    expect(await cards(b)).toBe(200)
    expect(certificateCalls(fake)).toBe(2)
    expect(added(b, next.serial)).toMatchObject({ via: 'download', reason: 'unknown-serial' })
    // A meets the serial too, within B's minute: it takes the list B downloaded after its claim.
    expect(await cards(a)).toBe(200)
    expect(certificateCalls(fake)).toBe(2)
    expect(added(a, next.serial)).toMatchObject({ via: 'shared', reason: 'unknown-serial' })
    expect(refused(a) || refused(b)).toBe(false)
  })

  it('both modes (the migration): certificate-signed answers follow the rotation, public-key-signed ones still verify', async () => {
    const fake = await start('both')
    const a = await replica(fake)
    const next = fake.simulator.rotateCertificate()
    const b = await replica(fake)

    fake.simulator.signWith(next.serial)
    expect(await cards(b)).toBe(200)
    expect(await cards(a)).toBe(200)
    expect(certificateCalls(fake)).toBe(2)
    fake.simulator.signWith(fake.credentials.publicKeyId)
    expect(await cards(a)).toBe(200)
    expect(await cards(b)).toBe(200)
    expect(fake.simulator.calls.at(-1)?.headers['wechatpay-serial']).toBe(fake.credentials.publicKeyId)
  })
})

describe('forged serials', () => {
  it('20 concurrent answers with random serials across a fleet cost at most one download; real answers still verify', async () => {
    const fake = await start()
    const [a, b] = [await replica(fake), await replica(fake)]
    const before = fake.simulator.calls.length
    // Every forged answer waits a second, so all 20 requests take their fault before any download asks.
    fake.simulator.setLatency(1_000)
    const forged = (): Fault => ({ kind: 'serial', serial: randomBytes(20).toString('hex').toUpperCase() })
    fake.simulator.enqueue(...Array.from({ length: 20 }, forged))
    const statuses = await Promise.all(Array.from({ length: 20 }, async (_, i) => await cards(i % 2 === 0 ? a : b)))
    expect(fake.simulator.calls.slice(before, before + 20).every((call) => call.url !== '/v3/certificates')).toBe(true)
    expect(statuses).toEqual(Array.from({ length: 20 }, () => 502))
    expect(certificateCalls(fake)).toBe(2) // start-up, and one for the whole storm

    fake.simulator.setLatency(0)
    expect(await cards(a)).toBe(200)
    expect(await cards(b)).toBe(200)
    fake.simulator.enqueue({ kind: 'serial', serial: 'ABCDEF0123456789' }, { kind: 'serial', serial: 'ABCDEF0123456780' })
    expect([await cards(a), await cards(b)]).toEqual([502, 502])
    expect(certificateCalls(fake)).toBe(2)
  })
})
