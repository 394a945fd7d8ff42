import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REDIS_KEYS } from '../../src/redis/keys.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { SHARED_REDIS } from '../helpers/redis-server.js'
import { uniqueAppid } from '../helpers/unique.js'
import { cardsPageKeys } from '../helpers/page-keys.js'
import type { PageKeys } from '../../src/cache/page-store.js'

// What a miss asks Redis before it calls WeChat Pay, watched with MONITOR: the page read, then one
// script that takes the fill lock, reads the page again and takes the caller's share and the
// merchant's upstream turn (a forced refresh counts the caller's allowance instead of reading the
// page first); after it, one script that writes the page, announces the outcome and releases the lock.
let fake: FakeWechatpay
let service: TestApp
let monitor: ChildProcess
let seen: Array<{ args: string[] }> = []

/** A MONITOR line's arguments: `1700000000.1 [0 127.0.0.1:5000] "mget" "a" "b"`, quotes and escapes undone. */
function argumentsOf (line: string): string[] {
  // Binary bytes come as \xHH, and \a or \b (which JSON does not know) in a page frame: each is one `?` here.
  const quoted = [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)]
    .map((match) => (match[1] as string)
      .replace(/\\(x[0-9a-f]{2}|[ab]|.)/g, (escape, what: string) => what.length > 1 || 'ab'.includes(what) ? '?' : escape))
  return quoted.map((text) => JSON.parse(`"${text}"`) as string)
}

beforeAll(async () => {
  fake = await startFakeWechatpay()
  // No in-process layer, so every read is Redis' own.
  // The production share of the budget (a fraction of it), which the budget is large enough never to refuse here.
  service = await startTestApp(fake, {
    redis: { settings: SHARED_REDIS }, cache: { localTtlMs: 0 }, wechatpay: { upstreamMaxRps: 10_000, upstreamCallerShare: 0.5 }
  })
  monitor = spawn('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'monitor'])
  const lines = createInterface({ input: monitor.stdout as NodeJS.ReadableStream })
  await new Promise<void>((resolve) => {
    lines.on('line', (line) => {
      if (line === 'OK') resolve()
      // What scripts run inside Redis is monitored too (`[0 lua]`): only round trips count here.
      else if (!line.includes(' lua] ')) seen.push({ args: argumentsOf(line) })
    })
  })
})
afterAll(async () => {
  monitor.kill()
  await service.close()
  await fake.simulator.close()
})

/** The settlement of a fill of `page`: one script that writes it, announces it and releases its lock. */
const storesAndSettles = (page: PageKeys) => (command: { args: string[] }): boolean =>
  command.args[0]?.toLowerCase() === 'evalsha' && command.args.slice(3, 5).join() === [page.lock, page.page].join() &&
  command.args.includes(REDIS_KEYS.fillChannel)

/** Every caller's share key starts so; this test's requests come from one address. */
const shareKey = (arg: string): boolean => arg.startsWith(REDIS_KEYS.callerShare(fake.credentials.mchid, ''))

/** A forced refresh and a miss, so that every script a miss runs is in Redis' script cache. */
async function runEveryScriptOnce (): Promise<void> {
  const url = `${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`
  await (await fetch(url)).arrayBuffer()
  await (await fetch(url, { headers: { 'cache-control': 'no-cache' } })).arrayBuffer()
}

describe('a miss on a single Redis', () => {
  it('sends a script\'s text only when Redis does not hold it: after SCRIPT FLUSH once, then its SHA-1 alone', async () => {
    const flush = spawn('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'script', 'flush'])
    await new Promise((resolve) => flush.once('exit', resolve))
    seen = []
    await runEveryScriptOnce()
    const texts = (): number => seen.filter((command) => command.args[0]?.toLowerCase() === 'eval').length
    // Every script this miss and refresh ran was refused once by SHA-1 (NOSCRIPT) and then sent whole.
    expect(texts()).toBeGreaterThan(0)
    seen = []
    await runEveryScriptOnce()
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(texts()).toBe(0)
    expect(seen.filter((command) => command.args[0]?.toLowerCase() === 'evalsha').length).toBeGreaterThanOrEqual(3)
  })

  it('makes two round trips before WeChat Pay: MGET of the page, then one script for lock, page, share and turn', async () => {
    const appid = uniqueAppid()
    const mchid = fake.credentials.mchid
    const page = cardsPageKeys(mchid, { appid, offset: 0, limit: 2 })
    seen = []
    const res = await fetch(`${service.url}/cards?appid=${appid}&offset=0&limit=2`)
    expect(res.headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=miss; stored')
    await expect.poll(() => seen.some(storesAndSettles(page))).toBe(true)

    const ours = (arg: string): boolean => arg.includes(appid) || arg === REDIS_KEYS.budget(mchid) || shareKey(arg)
    const mine = seen.filter((command) => command.args.some(ours))
    const beforeStore = mine.slice(0, mine.findIndex(storesAndSettles(page)))
    expect(beforeStore.map((command) => command.args[0]?.toLowerCase())).toEqual(['mget', 'evalsha'])
    // The script names the lock, the page, its generations, the budget and the caller's share: both turns are taken there.
    const lockKeys = beforeStore[1]?.args.slice(3, 9) ?? []
    expect(lockKeys.slice(0, 5)).toEqual([page.lock, page.page, ...page.generations, REDIS_KEYS.budget(mchid)])
    expect(shareKey(lockKeys[5] ?? '')).toBe(true)
    // And no budget or share script of its own for this fetch.
    expect(mine.filter((command) => command.args.some((arg) => arg === REDIS_KEYS.budget(mchid) || shareKey(arg)))).toHaveLength(1)
  })

  it('a forced refresh of a stored page makes two round trips before WeChat Pay: its allowance, then the script', async () => {
    const appid = uniqueAppid()
    const mchid = fake.credentials.mchid
    const page = cardsPageKeys(mchid, { appid, offset: 0, limit: 2 })
    const url = `${service.url}/cards?appid=${appid}&offset=0&limit=2`
    const stored = (): boolean => seen.some(storesAndSettles(page))
    await (await fetch(url)).arrayBuffer()
    await expect.poll(stored).toBe(true)
    seen = []
    const res = await fetch(url, { headers: { 'cache-control': 'no-cache' } })
    expect(res.headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=request; stored')
    await res.arrayBuffer()
    await expect.poll(stored).toBe(true)

    // The caller's NO_CACHE_PER_MINUTE allowance is counted under a key of its own.
    const allowance = (arg: string): boolean => arg.startsWith(REDIS_KEYS.noCachePrefix(mchid))
    const ours = (arg: string): boolean => arg.includes(appid) || arg === REDIS_KEYS.budget(mchid) || allowance(arg) || shareKey(arg)
    const mine = seen.filter((command) => command.args.some(ours))
    const beforeStore = mine.slice(0, mine.findIndex(storesAndSettles(page)))
    // No read of the page: the refresh does not use it, and the script, which leaves the old page
    // out, reads the generations the new one is stamped with.
    expect(beforeStore.map((command) => command.args[0]?.toLowerCase())).toEqual(['evalsha', 'evalsha'])
    expect(beforeStore[0]?.args.some(allowance)).toBe(true)
    const lockKeys = beforeStore[1]?.args.slice(3, 9) ?? []
    expect(lockKeys.slice(0, 5)).toEqual([page.lock, page.page, ...page.generations, REDIS_KEYS.budget(mchid)])
    expect(shareKey(lockKeys[5] ?? '')).toBe(true)
    expect(mine.filter((command) => command.args.some((arg) => arg === REDIS_KEYS.budget(mchid) || shareKey(arg)))).toHaveLength(1)
    // Then the page is written, the outcome announced and the lock released in one script: three in all,
    // the allowance included, each by its SHA-1 alone, and nothing else.
    const commands = seen.filter((command) => command.args.some(ours)).map((command) => command.args[0]?.toLowerCase())
    expect(commands).toEqual(['evalsha', 'evalsha', 'evalsha'])
  })
})
