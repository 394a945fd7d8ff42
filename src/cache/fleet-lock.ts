import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import { FILL_CHANNEL } from './cache-keys.js'
import { parseFillMessage, parseSharedError, type FillOutcome, type SharedError } from './fill-outcome.js'
import type { RedisGuard } from './redis-guard.js'

/** Deletes the lock only if it still holds our token: an expired lock re-taken by another replica survives. */
const RELEASE_SCRIPT = 'if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end'
/** Turns our lock into a short-lived failure marker, again only if it is still ours. */
const FAIL_SCRIPT = 'if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("set", KEYS[1], ARGV[2], "PX", ARGV[3]) else return 0 end'
const FAILURE_PREFIX = 'failed:'
// Long enough for every waiter's next poll to see it; short enough not to hide a recovery.
const FAILURE_MARKER_MS = 1_000

export type LockResult =
  | { acquired: true, token: string }
  | { acquired: false, unavailable: boolean, failure?: SharedError }

/**
 * One replica fetches a page while the others wait for its result. The lock is `SET NX PX` with a
 * random token; it expires on its own if its holder dies. The holder announces the outcome on a
 * pub/sub channel; waiters also poll, because pub/sub drops messages across reconnects.
 */
export class FleetLock {
  readonly #redis: Redis
  readonly #subscriber: Redis
  readonly #guard: RedisGuard
  readonly #waiters = new Map<string, Set<(outcome: FillOutcome) => void>>()

  constructor (redis: Redis, guard: RedisGuard) {
    this.#redis = redis
    this.#guard = guard
    this.#subscriber = redis.duplicate()
    this.#subscriber.on('error', () => {}) // reconnects by itself; the command client reports health
    this.#subscriber.on('ready', () => { this.#subscriber.subscribe(FILL_CHANNEL).catch(() => {}) })
    this.#subscriber.on('message', (_channel: string, text: string) => {
      const message = parseFillMessage(text)
      if (message === undefined) return
      const waiters = this.#waiters.get(message.key)
      if (waiters === undefined) return
      this.#waiters.delete(message.key)
      for (const wake of waiters) wake(message.outcome)
    })
  }

  /** When the lock is held, also says whether its last holder just failed (see `fail`). */
  async acquire (lockKey: string, ttlMs: number): Promise<LockResult> {
    const token = randomBytes(16).toString('hex')
    const answer = await this.#guard.call(async () => await this.#redis.set(lockKey, token, 'PX', ttlMs, 'NX'), 'unavailable' as const)
    if (answer === 'OK') return { acquired: true, token }
    if (answer === 'unavailable') return { acquired: false, unavailable: true }
    const holder = await this.#guard.call(async () => await this.#redis.get(lockKey), null)
    const failure = holder?.startsWith(FAILURE_PREFIX) === true ? parseSharedError(holder.slice(FAILURE_PREFIX.length)) : undefined
    return { acquired: false, unavailable: false, ...(failure === undefined ? {} : { failure }) }
  }

  async release (lockKey: string, token: string): Promise<void> {
    await this.#guard.call(async () => await this.#redis.eval(RELEASE_SCRIPT, 1, lockKey, token), undefined)
  }

  /**
   * Releases the lock by leaving the failure in its place for a second. A waiter whose poll falls
   * between the pub/sub announcement and the release would otherwise find the lock free and call
   * WeChat Pay again; it reads the failure instead.
   */
  async fail (lockKey: string, token: string, error: SharedError): Promise<void> {
    await this.#guard.call(async () => await this.#redis.eval(FAIL_SCRIPT, 1, lockKey, token, FAILURE_PREFIX + JSON.stringify(error), FAILURE_MARKER_MS), undefined)
  }

  async announce (pageKey: string, outcome: FillOutcome): Promise<void> {
    await this.#guard.call(async () => await this.#redis.publish(FILL_CHANNEL, JSON.stringify({ key: pageKey, ...outcome })), undefined)
  }

  /** Resolves with the announced outcome, or undefined after `ms` without one. */
  async waitForFill (pageKey: string, ms: number): Promise<FillOutcome | undefined> {
    return await new Promise((resolve) => {
      let waiters = this.#waiters.get(pageKey)
      if (waiters === undefined) {
        waiters = new Set()
        this.#waiters.set(pageKey, waiters)
      }
      const set = waiters
      const wake = (outcome: FillOutcome | undefined): void => {
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
    this.#subscriber.disconnect()
  }
}
