import type { PrepaidTurn } from '../budget/prepaid-turn.js'
import { UpstreamError } from '../wechatpay/upstream-error.js'
import type { CacheEntry } from './cache-entry.js'
import { restoreError, shareError, type FillOutcome } from './fill-outcome.js'
import type { PageKeys, PageStore, StoredRead } from './page-store.js'

/** What a fill gave: the entry, and whether it was stored or came from another's fill. */
export interface Filled {
  entry: CacheEntry
  stored: boolean
  collapsed: boolean
  /** Fetched without a known purge generation (the store could not be asked), so never stored. */
  unstamped?: boolean
}

export type LockResult =
  | {
    acquired: true
    token: string
    /** The page as the store held it when the lock was taken, when the lock could read it in the same round trip. */
    read?: StoredRead | undefined
    /** The merchant's upstream turn for this fetch, when the lock took it too (no page was stored). */
    turn?: PrepaidTurn | undefined
  }
  | { acquired: false, unavailable: true }
  | { acquired: false, unavailable: false, holder: string }

/**
 * The lock the fleet's fills share, and how holders tell waiters the outcome (implemented on Redis
 * in src/redis/fleet-lock.ts). Every call fails open: `unavailable`, `false` or `undefined`.
 */
export interface FillLock {
  /**
   * Takes the page's lock or names its holder; with the lock, the page as stored, and perhaps the
   * upstream turn. `storedSince`: a page stored before this (ms since the epoch) is one the fill
   * would refuse; the lock may leave it out of `read`, and take the turn as if none were stored.
   */
  acquire: (keys: PageKeys, ttlMs: number, storedSince?: number) => Promise<LockResult>
  /** Keeps a lock we hold alive for `ttlMs` more; false once it is no longer ours. */
  renew: (lockKey: string, token: string, ttlMs: number) => Promise<boolean>
  release: (lockKey: string, token: string) => Promise<void>
  announce: (pageKey: string, holder: string, outcome: FillOutcome) => Promise<void>
  /** `announce`, then `release`, in one go where the lock can (one round trip instead of two). */
  settle?: (keys: PageKeys, holder: string, outcome: FillOutcome) => Promise<void>
  /** The remembered outcome of one of the holders this waiter saw, if any. */
  recentOutcome: (pageKey: string, holders: Set<string>) => FillOutcome | undefined
  /** Resolves with the outcome of a holder in `holders`, or undefined after `ms` without one. */
  waitForFill: (pageKey: string, ms: number, holders: Set<string>) => Promise<FillOutcome | undefined>
}

/** Fills and purges announced by any replica, so each can drop its in-process copies at once. */
export interface PurgeChannel {
  announcePurge: (generationKeys: string[]) => Promise<void>
  onPurge: (handler: (generationKeys: string[]) => void) => void
  onFill: (handler: (pageKey: string) => void) => void
  close: () => Promise<void>
}

/**
 * How a wait for another replica's fetch ended: its page arrived, its error did, the wait outlasted
 * the deadline, or this replica fetched after all (the holder died or could not store the page, or
 * Redis went away).
 */
export type FleetWaitOutcome = 'filled' | 'failed' | 'timeout' | 'fetched-instead'

export interface FleetFillOptions {
  lock: FillLock
  store: PageStore
  /** How long a waiter waits for another replica's fetch: the upstream deadline. */
  waitMs: number
  /**
   * How long a lock lives unless its holder renews it, which a live holder does every third of it.
   * Short, so the lock of a replica that died mid-fetch expires well within a waiter's waitMs and
   * the waiter takes over instead of timing out.
   */
  lockTtlMs: number
  pollMs?: number
  now?: () => number
  /** Told when a request starts waiting for another replica's fetch, and how the wait ended: the tracing side makes a span of it. */
  observeWait?: (() => (outcome: FleetWaitOutcome) => void) | undefined
}

/**
 * Fleet-wide single flight for one page: whoever takes the Redis lock fetches; everyone else
 * waits for its announcement (or sees the page appear while polling) and reads the page from
 * Redis. A holder that dies leaves a lock that expires, and the next waiter takes over. With Redis
 * unreachable the lock reports `unavailable` and each process fetches for itself (fail open).
 */
export class FleetFill {
  readonly #options: FleetFillOptions
  readonly #now: () => number

  constructor (options: FleetFillOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
  }

  /**
   * `fetch` is told whether the upstream turn was already taken, atomically with the lock, and the
   * purge generation read with the lock, the latest one known before its fetch (undefined when the
   * store could not be read). `storedSince`: pages stored before it are not `usable` (whatever else
   * `usable` refuses).
   */
  async fill (
    keys: PageKeys,
    usable: (entry: CacheEntry) => boolean,
    fetch: (turn: PrepaidTurn | undefined, generation: string | undefined) => Promise<Filled>,
    storedSince?: number
  ): Promise<Filled> {
    const { lock, store, waitMs, lockTtlMs } = this.#options
    const pollMs = this.#options.pollMs ?? 50
    const deadline = this.#now() + waitMs
    // The holders this request saw: only their announcements may answer it.
    const holders = new Set<string>()
    // Set while this request waits on another replica's fetch; called once, when the wait ends.
    let waiting: ((outcome: FleetWaitOutcome) => void) | undefined
    const stopWaiting = (outcome: FleetWaitOutcome): void => {
      waiting?.(outcome)
      waiting = undefined
    }
    for (;;) {
      const attempt = await lock.acquire(keys, lockTtlMs, storedSince)
      let outcome: FillOutcome | undefined
      if (attempt.acquired) {
        // A holder we saw may have just released; its announcement may still be in flight.
        if (holders.size > 0) await new Promise((resolve) => setImmediate(resolve))
        outcome = lock.recentOutcome(keys.page, holders)
        if (outcome === undefined) {
          // The lock may be free because another replica has just filled the page, after this
          // request read the store and before its announcement arrives: look once more first,
          // in the lock's own round trip when it can.
          const read = attempt.read ?? await store.read(keys)
          if (read?.entry !== undefined && usable(read.entry)) {
            await lock.release(keys.lock, attempt.token)
            stopWaiting('filled')
            return { entry: read.entry, stored: false, collapsed: true }
          }
          stopWaiting('fetched-instead')
          return await this.#fetchHoldingLock(keys, attempt.token, async () => await fetch(attempt.turn, read?.generation))
        }
        await lock.release(keys.lock, attempt.token)
      } else if (attempt.unavailable) {
        stopWaiting('fetched-instead')
        return await fetch(undefined, undefined)
      } else {
        holders.add(attempt.holder)
        waiting ??= this.#options.observeWait?.()
        outcome = await lock.waitForFill(keys.page, Math.max(1, Math.min(pollMs, deadline - this.#now())), holders)
      }
      if (outcome !== undefined && !outcome.ok) {
        stopWaiting('failed')
        throw restoreError(outcome.error)
      }
      const read = await store.read(keys)
      if (read?.entry !== undefined && usable(read.entry)) {
        stopWaiting('filled')
        return { entry: read.entry, stored: false, collapsed: true }
      }
      // Announced, yet not in the store (the holder could not write it): fetch it ourselves.
      if (outcome?.ok === true) holders.clear()
      if (this.#now() >= deadline) {
        stopWaiting('timeout')
        throw new UpstreamError('upstream-timeout', 'another replica\'s fetch of this page did not finish in time')
      }
    }
  }

  async #fetchHoldingLock (keys: PageKeys, token: string, fetch: () => Promise<Filled>): Promise<Filled> {
    // Unset when the fetch failed in a way not worth sharing (a bug): the lock is simply released.
    let outcome: FillOutcome | undefined
    const { lock, lockTtlMs } = this.#options
    const renewal = setInterval(() => { lock.renew(keys.lock, token, lockTtlMs).catch(() => {}) }, Math.max(1, Math.floor(lockTtlMs / 3)))
    try {
      const filled = await fetch()
      outcome = { ok: true }
      return filled
    } catch (err) {
      if (err instanceof UpstreamError) outcome = { ok: false, error: shareError(err) }
      throw err
    } finally {
      clearInterval(renewal)
      // A success is settled after answering: the page is in the store, so a late arrival finds
      // it there. A failure is settled first, so no request that arrives after the caller's error
      // can still see the lock held and take that error as its own (errors are never cached).
      const settled = this.#settle(keys, token, outcome)
      if (outcome?.ok === true) settled.catch(() => {})
      else await settled
    }
  }

  async #settle (keys: PageKeys, token: string, outcome: FillOutcome | undefined): Promise<void> {
    const { lock } = this.#options
    if (outcome !== undefined && lock.settle !== undefined) return await lock.settle(keys, token, outcome)
    if (outcome !== undefined) await lock.announce(keys.page, token, outcome)
    await lock.release(keys.lock, token)
  }
}
