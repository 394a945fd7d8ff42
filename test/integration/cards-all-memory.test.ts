import { readFileSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoCards } from '../../src/sandbox/demo-cards.js'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { SHARED_REDIS_URL, freePort } from '../helpers/redis-server.js'
import { serviceEnvironment, startServiceProcess, type ServiceProcess } from '../helpers/service-process.js'
import { uniqueAppid } from '../helpers/unique.js'

// The service in a process of its own, so that its resident memory is the walks' and not the test
// runner's. Lists of 400 demo cards (pages of about 31 KB, Chinese text), every page cached in Redis.

const CARDS = 400
/** The process's CARDS_ALL_CONCURRENCY. */
const WALKS = 20
const MAX_ADDED_BYTES = 60 * 2 ** 20
const HIT = /^wxpay-cards-bff; hit; ttl=\d+$/

let fake: FakeWechatpay
let service: ServiceProcess

beforeAll(async () => {
  fake = await startFakeWechatpay()
  service = await startServiceProcess({
    ...serviceEnvironment(fake),
    REDIS_URL: SHARED_REDIS_URL,
    // Each caller is an address of its own, as the proxy in front names it.
    TRUST_PROXY: 'true',
    CARDS_ALL_CONCURRENCY: String(WALKS),
    // Filling the cache is not what is measured; the budget is tested in cards-all-budget.test.ts.
    UPSTREAM_MAX_RPS: '1000',
    LOG_LEVEL: 'warn'
  }, await freePort())
}, 60_000)

afterAll(async () => {
  await service?.kill()
  await fake?.simulator.close()
})

/** A line of the process's /proc status, in bytes (Linux reports kB). */
function statusBytes (field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${service.child.pid}/status`, 'utf8')
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1]
  if (kb === undefined) throw new Error(`no ${field} in the process status`)
  return Number(kb) * 1024
}

interface Answer { status: number, cards: number, type?: string, cacheStatus: string | null, retryAfter: string | null }

async function walk (appid: string, caller: number): Promise<Answer> {
  const address = `10.0.${caller >> 8}.${caller & 255}`
  const res = await fetch(`${service.url}/cards/all?appid=${appid}`, { headers: { 'x-forwarded-for': address } })
  const body = await res.json() as { data?: unknown[], type?: string }
  return {
    status: res.status,
    cards: body.data?.length ?? 0,
    ...(body.type === undefined ? {} : { type: body.type }),
    cacheStatus: res.headers.get('cache-status'),
    retryAfter: res.headers.get('retry-after')
  }
}

/**
 * A list cached in Redis, then `callers` callers walking it twice or once each, all at once: the
 * answers, how much the process's RSS rose at its peak, and how many calls reached WeChat Pay.
 */
async function load (callers: number, walksEach: number): Promise<{ answers: Answer[], added: number, upstream: number }> {
  const appid = uniqueAppid()
  fake.simulator.setCards(appid, demoCards(appid, CARDS))
  // Fills the cache and warms the code paths, so that what is measured is the walks alone.
  for (let i = 0; i < 3; i++) expect(await walk(appid, 0)).toMatchObject({ status: 200, cards: CARDS })
  const calls = fake.simulator.calls.length
  // Writing 5 to clear_refs resets the peak (VmHWM) to the RSS of now.
  writeFileSync(`/proc/${service.child.pid}/clear_refs`, '5')
  const before = statusBytes('VmRSS')
  const answers = await Promise.all(Array.from({ length: callers * walksEach }, async (_, i) => await walk(appid, i % callers)))
  const added = statusBytes('VmHWM') - before
  console.log(`${answers.length} walks: RSS ${Math.round(before / 2 ** 20)} MiB before, peak +${Math.round(added / 2 ** 20)} MiB`)
  return { answers, added, upstream: fake.simulator.calls.length - calls }
}

describe('GET /cards/all memory', () => {
  it(`${WALKS} concurrent walks of ${CARDS} cached cards add at most 60 MB of RSS, and every one is a 200 from the cache`, async () => {
    const { answers, added, upstream } = await load(WALKS, 1)
    // Every page a hit and no call upstream: no Redis command timed out (the cache fails open into a miss).
    expect(answers).toEqual(answers.map(() => ({ status: 200, cards: CARDS, cacheStatus: expect.stringMatching(HIT), retryAfter: null })))
    expect(upstream).toBe(0)
    expect(added).toBeLessThanOrEqual(MAX_ADDED_BYTES)
  }, 60_000)

  it(`${10 * WALKS} concurrent walks: past CARDS_ALL_CONCURRENCY a 503 at once, and RSS still within 60 MB`, async () => {
    const { answers, added, upstream } = await load(5 * WALKS, 2)
    const served = answers.filter((answer) => answer.status === 200)
    const refused = answers.filter((answer) => answer.status !== 200)
    expect(served.length).toBeGreaterThanOrEqual(WALKS)
    expect(served).toEqual(served.map(() => ({ status: 200, cards: CARDS, cacheStatus: expect.stringMatching(HIT), retryAfter: null })))
    expect(refused).toEqual(refused.map(() => expect.objectContaining({ status: 503, type: '/problems/walks-busy', retryAfter: '1' })))
    expect(upstream).toBe(0)
    expect(added).toBeLessThanOrEqual(MAX_ADDED_BYTES)
  }, 60_000)
})
