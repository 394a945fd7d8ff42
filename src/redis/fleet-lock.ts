import { randomBytes } from 'node:crypto'
import { Cluster } from 'ioredis'
import type { KeyedGcra } from '../budget/gcra.js'
import type { FillLock, LockResult, PageWrite, PurgeChannel } from '../cache/fleet-fill.js'
import { encodeEntry } from '../cache/cache-entry.js'
import type { PageKeys } from '../cache/page-store.js'
import { parseFillMessage, type FillOutcome } from '../cache/fill-outcome.js'
import { reconnectIfAbandoned, type RedisConnection } from './connection.js'
import type { RedisGuard } from './guard.js'
import { REDIS_KEYS } from './keys.js'
import { storedRead, writePage } from './page-store.js'
import { ACQUIRE_READ_AND_TAKE, ANNOUNCE_AND_RELEASE, RELEASE_IF_OWNER, RENEW_IF_OWNER, runScript } from './scripts.js'
import { prepaidTurn } from '../budget/prepaid-turn.js'

const { fillChannel, purgeChannel } = REDIS_KEYS

// Only tells this process's locks from other replicas': a fresh random number per lock cost 7 µs of CPU each.
const PROCESS_TOKEN = randomBytes(12).toString('hex')

// How long an announcement is remembered for requests that were already waiting when it came.
const RECENT_MS = 2_000

interface Recent { at: number, holder: string, outcome: FillOutcome }

export interface FleetLockOptions {
  now?: (() => number) | undefined
  turn?: KeyedGcra | undefined
}

/**
 * Waiters also poll, because pub/sub drops messages across reconnects. Announcements are remembered for two
 * seconds for a waiter between two polls. A waiter only takes the outcome of a holder it saw holding the lock:
 * a failure is never served to a request that came after it (errors are never cached), whatever the clocks say.
 */
export class FleetLock implements FillLock, PurgeChannel {
  readonly #redis: RedisConnection
  readonly #subscriber: RedisConnection
  readonly #closeSubscriber: () => void
  readonly #guard: RedisGuard
  readonly #now: () => number
  readonly #waiters = new Map<string, Set<(outcome: FillOutcome, holder: string) => void>>()
  readonly #recent = new Map<string, Recent>()
  readonly #own = new Set<string>()
  #locks = 0
  #onPurge: ((generationKeys: string[]) => void) | undefined
  #onFill: ((pageKey: string) => void) | undefined
  /** Never on a Cluster, where the budget's key lives in another slot than the page's. */
  readonly turn: KeyedGcra | undefined

  constructor (redis: RedisConnection, guard: RedisGuard, options: FleetLockOptions = {}) {
    this.#redis = redis
    this.#guard = guard
    this.#now = options.now ?? Date.now
    this.turn = options.turn
    // Subscribes on every 'ready' itself: ioredis' own resubscription sends a SUBSCRIBE nobody awaits, whose
    // timeout rejection would go unhandled and shut the server down.
    this.#subscriber = redis instanceof Cluster ? redis.duplicate() : redis.duplicate({ autoResubscribe: false })
    this.#subscriber.on('error', () => {}) // reconnects by itself; the command client reports health
    // A copy of a Sentinel client can be abandoned by ioredis as the original can: start it again too.
    this.#closeSubscriber = reconnectIfAbandoned(this.#subscriber)
    this.#subscriber.on('ready', () => { this.#subscriber.subscribe(fillChannel, purgeChannel).catch(() => {}) })
    this.#subscriber.on('message', (channel: string, text: string) => {
      if (channel === purgeChannel) this.#onPurge?.(parsePurge(text))
      else this.#received(text)
    })
  }

  async acquire (keys: PageKeys, ttlMs: number, storedSince = 0, share?: KeyedGcra): Promise<LockResult> {
    const token = `${PROCESS_TOKEN}:${(++this.#locks).toString(36)}`
    const { turn } = this
    // The share rides only beside the budget's turn: both keys are out of the page's slot on a Cluster.
    const gcras = turn === undefined ? [] : share === undefined ? [turn] : [turn, share]
    const keyList = [keys.lock, keys.page, ...keys.generations, ...gcras.map((gcra) => gcra.key)]
    // Whole milliseconds, rounded down: the script only leaves out pages the fill would refuse.
    const floor = Math.max(0, Math.floor(storedSince))
    const args = [token, ttlMs, keys.generations.length, floor, ...gcras.flatMap((gcra) => [gcra.intervalMs, gcra.burst])]
    const answer = await this.#guard.call(
      async () => await runScript(this.#redis, ACQUIRE_READ_AND_TAKE, keyList, args, true),
      undefined
    )
    if (!Array.isArray(answer)) return { acquired: false, unavailable: true }
    if (answer[0] === 2) return { acquired: false, unavailable: false, shareWaitMs: Number(answer[1]) }
    if (answer[0] !== 1) return { acquired: false, unavailable: false, holder: String(answer[1]) }
    const counters = answer.slice(2, 2 + keys.generations.length) as Array<Buffer | null>
    const prepaid = answer.at(-2) === 1 ? prepaidTurn() : undefined
    const read = storedRead(answer[1] as Buffer | null, counters)
    return { acquired: true, token, read, turn: prepaid, shareTaken: answer.at(-1) === 1 }
  }

  async renew (lockKey: string, token: string, ttlMs: number): Promise<boolean> {
    return await this.#guard.call(async () => await runScript(this.#redis, RENEW_IF_OWNER, [lockKey], [token, ttlMs]) === 1, false)
  }

  async release (lockKey: string, token: string): Promise<void> {
    await this.#guard.call(async () => await runScript(this.#redis, RELEASE_IF_OWNER, [lockKey], [token]), undefined)
  }

  async announce (pageKey: string, holder: string, outcome: FillOutcome): Promise<void> {
    const message = this.#announcement(pageKey, holder, outcome)
    await this.#guard.call(async () => await this.#redis.publish(fillChannel, message), undefined)
  }

  /** A page written here is dropped from this replica's copies at once, as another replica's fill would be. */
  async settle (keys: PageKeys, holder: string, outcome: FillOutcome, page?: PageWrite): Promise<boolean> {
    let stored: boolean
    if (this.#redis instanceof Cluster) {
      const redis = this.#redis
      // Each step on its own: a write or an announcement that fails must not keep the lock from its release.
      stored = page !== undefined && await this.#guard.call(async () => {
        await writePage(redis, keys, page.entry, page.retentionMs)
        return true
      }, false)
      await this.announce(keys.page, holder, outcome)
      await this.release(keys.lock, holder)
    } else {
      const message = this.#announcement(keys.page, holder, outcome)
      const write = page === undefined ? [] : [encodeEntry(page.entry), page.retentionMs]
      const written = await this.#guard.call(async () => await runScript(this.#redis, ANNOUNCE_AND_RELEASE,
        page === undefined ? [keys.lock] : [keys.lock, keys.page], [holder, fillChannel, message, ...write]), 0)
      stored = written === 1
    }
    if (stored) this.#onFill?.(keys.page)
    return stored
  }

  async announcePurge (generationKeys: string[]): Promise<void> {
    await this.#guard.call(async () => await this.#redis.publish(purgeChannel, JSON.stringify(generationKeys)), undefined)
  }

  onPurge (handler: (generationKeys: string[]) => void): void {
    this.#onPurge = handler
  }

  onFill (handler: (pageKey: string) => void): void {
    this.#onFill = handler
  }

  recentOutcome (pageKey: string, holders: Set<string>): FillOutcome | undefined {
    const recent = this.#recent.get(pageKey)
    return recent !== undefined && holders.has(recent.holder) ? recent.outcome : undefined
  }

  async waitForFill (pageKey: string, ms: number, holders: Set<string>): Promise<FillOutcome | undefined> {
    const known = this.recentOutcome(pageKey, holders)
    if (known !== undefined) return known
    return await new Promise((resolve) => {
      let waiters = this.#waiters.get(pageKey)
      if (waiters === undefined) {
        waiters = new Set()
        this.#waiters.set(pageKey, waiters)
      }
      const set = waiters
      const wake = (outcome: FillOutcome | undefined, holder?: string): void => {
        if (holder !== undefined && !holders.has(holder)) return
        clearTimeout(timer)
        set.delete(wake)
        if (set.size === 0 && this.#waiters.get(pageKey) === set) this.#waiters.delete(pageKey)
        resolve(outcome)
      }
      const timer = setTimeout(() => { wake(undefined) }, ms)
      set.add(wake)
    })
  }

  async close (): Promise<void> {
    this.#closeSubscriber()
  }

  #announcement (pageKey: string, holder: string, outcome: FillOutcome): string {
    // Emptied as our own announcements come back; bounded in case the subscriber is away.
    if (this.#own.size > 1_000) this.#own.clear()
    this.#own.add(holder)
    return JSON.stringify({ key: pageKey, holder, ...outcome })
  }

  #received (text: string): void {
    const message = parseFillMessage(text)
    if (message === undefined) return
    const now = this.#now()
    for (const [key, recent] of this.#recent) {
      if (now - recent.at <= RECENT_MS) break // insertion order: the rest are newer
      this.#recent.delete(key)
    }
    this.#recent.delete(message.key)
    this.#recent.set(message.key, { at: now, holder: message.holder, outcome: message.outcome })
    const own = this.#own.delete(message.holder)
    if (message.outcome.ok && !own) this.#onFill?.(message.key)
    for (const wake of [...(this.#waiters.get(message.key) ?? [])]) wake(message.outcome, message.holder)
  }
}

function parsePurge (text: string): string[] {
  try {
    const keys: unknown = JSON.parse(text)
    return Array.isArray(keys) ? keys.filter((key): key is string => typeof key === 'string') : []
  } catch {
    return []
  }
}
