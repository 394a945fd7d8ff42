import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { afterEach, describe, expect, it } from 'vitest'
import { REDIS_KEYS } from '../../src/redis/keys.js'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { SHARED_REDIS, SHARED_REDIS_URL } from '../helpers/redis-server.js'
import { uniqueAppid } from '../helpers/unique.js'

// A rotation as WeChat Pay does it (docs/wechatpay-protocol.md §2.4 A): a new certificate appears and starts signing.
// The service follows it on the first answer that names it, without a restart, and a flood of
// such answers costs one download: per replica, and for a fleet sharing Redis.
let fake: FakeWechatpay | undefined
let replicas: TestApp[] = []

afterEach(async () => {
  for (const replica of replicas) await replica.close()
  await fake?.simulator.close()
  replicas = []
  fake = undefined
})

// Unknown-serial refreshes run at most once a minute per replica: the tests move the service's
// clock past that minute instead of waiting (within the 5 minutes of skew both sides accept).
let offsetMs = 0
const clock = (): number => Date.now() + offsetMs

const certificateCalls = (f: FakeWechatpay): number => f.simulator.calls.filter((call) => call.url === '/v3/certificates').length
const cards = async (replica: TestApp): Promise<number> =>
  (await fetch(`${replica.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`)).status

async function until (check: () => boolean, ms = 8_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await sleep(20)
  }
}

const holds = (replica: TestApp, serial: string): boolean => replica.app.certificates.certificates().some((c) => c.serial === serial)

describe('a rotation is followed on the first unknown serial', () => {
  it('refuses the answer that names the new serial, downloads once, and verifies the next ones', async () => {
    offsetMs = 0
    fake = await startFakeWechatpay({ keyMode: 'platform-certificate' })
    const replica = await startTestApp(fake, {}, { now: clock })
    replicas.push(replica)
    expect(certificateCalls(fake)).toBe(1)
    offsetMs = 61_000

    const next = fake.simulator.rotateCertificate()
    expect(await cards(replica)).toBe(502)
    expect(replica.logs.some((l) => l.verification === 'unknown-serial')).toBe(true)
    await until(() => holds(replica, next.serial))
    expect(certificateCalls(fake)).toBe(2)
    // The refresh was verified with the new certificate itself, found in the GCM-protected list.
    expect(replica.logs.find((l) => Array.isArray(l.added) && (l.added as string[]).includes(next.serial)))
      .toMatchObject({ via: 'download', reason: 'unknown-serial' })

    expect(await cards(replica)).toBe(200)
    expect(fake.simulator.calls.at(-1)?.headers['wechatpay-serial']).toBe(next.serial)
    expect(replica.app.certificates.acceptSerial()).toBe(next.serial)
  })

  it('a burst of answers with unknown serials costs one download', async () => {
    offsetMs = 0
    fake = await startFakeWechatpay({ keyMode: 'platform-certificate' })
    const replica = await startTestApp(fake, {}, { now: clock })
    replicas.push(replica)
    offsetMs = 61_000

    const next = fake.simulator.rotateCertificate()
    fake.simulator.enqueue({ kind: 'delay', ms: 200 }) // the first answer takes a while: the others arrive meanwhile
    const statuses = await Promise.all(Array.from({ length: 20 }, async () => await cards(replica)))
    expect(statuses.filter((s) => s !== 502 && s !== 200)).toEqual([])
    expect(statuses.filter((s) => s === 502).length).toBeGreaterThan(0)
    await until(() => holds(replica, next.serial))
    // A forged serial right after costs nothing either.
    fake.simulator.enqueue({ kind: 'serial', serial: 'ABCDEF0123456789' })
    expect(await cards(replica)).toBe(502)
    await sleep(200)
    expect(certificateCalls(fake)).toBe(2)
    expect(await cards(replica)).toBe(200)
  })

  it('across a fleet sharing Redis: one download at start-up and one per rotation, and every replica follows', async () => {
    offsetMs = 0
    fake = await startFakeWechatpay({ keyMode: 'platform-certificate' })
    const config = { redis: { settings: SHARED_REDIS } }
    replicas.push(await startTestApp(fake, config, { now: clock }), await startTestApp(fake, config, { now: clock }))
    const [a, b] = replicas as [TestApp, TestApp]
    const first = fake.simulator.certificates[0]?.serial as string
    expect(certificateCalls(fake)).toBe(1)
    expect(holds(b, first)).toBe(true) // from the list replica A shared
    expect(b.logs.find((l) => Array.isArray(l.added))).toMatchObject({ via: 'shared' })

    // A minute later: the fleet's claim has lapsed (deleted here rather than waited for).
    offsetMs = 61_000
    const redis = new Redis(SHARED_REDIS_URL)
    await redis.del(REDIS_KEYS.certificates(fake.credentials.mchid).claim)
    redis.disconnect()

    const next = fake.simulator.rotateCertificate()
    fake.simulator.enqueue({ kind: 'delay', ms: 200 })
    const statuses = await Promise.all(Array.from({ length: 20 }, async (_, i) => await cards(i % 2 === 0 ? a : b)))
    expect(statuses.filter((s) => s !== 502 && s !== 200)).toEqual([])
    await until(() => holds(a, next.serial) && holds(b, next.serial))
    expect(certificateCalls(fake)).toBe(2)
    expect(await cards(a)).toBe(200)
    expect(await cards(b)).toBe(200)
  })
})
