import { ShareRefused } from '../budget/caller-share.js'
import type { KeyedGcra } from '../budget/gcra.js'
import type { PrepaidTurn } from '../budget/prepaid-turn.js'
import { UpstreamError } from '../wechatpay/upstream-error.js'
import type { CacheEntry } from './cache-entry.js'
import { restoreError, shareError, type FillOutcome } from './fill-outcome.js'
import type { PageKeys, PageStore, StoredRead } from './page-store.js'

export interface Filled {
  entry: CacheEntry
  stored: boolean
  collapsed: boolean
  /** Fetched without a known purge generation, so never stored. */
  unstamped?: boolean
}

export type LockResult =
  | {
    acquired: true
    token: string
    read?: StoredRead | undefined
    turn?: PrepaidTurn | undefined
    /** The caller's share was taken with the lock. */
    shareTaken?: boolean
  }
  | { acquired: false, unavailable: true }
  | { acquired: false, unavailable: false, holder: string }
  | { acquired: false, unavailable: false, shareWaitMs: number }

export interface PageWrite { entry: CacheEntry, retentionMs: number }

/** What a fetch holding the fleet's lock is given. */
export interface HeldFill {
  /** The first attempt's upstream turn, taken with the lock. */
  turn?: PrepaidTurn | undefined
  /** The purge generation the lock read. */
  generation?: string | undefined
  /** The caller's share was taken with the lock. */
  shareTaken: boolean
  /** Stores the page and settles the lock in one round trip; absent: the fetch stores the page itself. */
  storeAndSettle?: ((page: PageWrite) => Promise<boolean>) | undefined
}

/** Every call fails open: `unavailable`, `false` or `undefined`. */
export interface FillLock {
  /**
   * `storedSince`: a page stored before it is one the fill would refuse, so the lock may leave it out of `read`.
   * `share`: the caller's turn, which the lock may take when no usable page is stored, or refuse (`shareWaitMs`).
   */
  acquire: (keys: PageKeys, ttlMs: number, storedSince?: number, share?: KeyedGcra) => Promise<LockResult>
  renew: (lockKey: string, token: string, ttlMs: number) => Promise<boolean>
  release: (lockKey: string, token: string) => Promise<void>
  announce: (pageKey: string, holder: string, outcome: FillOutcome) => Promise<void>
  /** `page`: written in the same round trip, before the announcement; resolves to whether it was. */
  settle?: (keys: PageKeys, holder: string, outcome: FillOutcome, page?: PageWrite) => Promise<boolean>
  recentOutcome: (pageKey: string, holders: Set<string>) => FillOutcome | undefined
  waitForFill: (pageKey: string, ms: number, holders: Set<string>) => Promise<FillOutcome | undefined>
}

/** Fills and purges announced by any replica, so each can drop its in-process copies at once. */
export interface PurgeChannel {
  announcePurge: (generationKeys: string[]) => Promise<void>
  onPurge: (handler: (generationKeys: string[]) => void) => void
  onFill: (handler: (pageKey: string) => void) => void
  close: () => Promise<void>
}

/** `fetched-instead`: the holder died or could not store the page, or Redis went away. */
export type FleetWaitOutcome = 'filled' | 'failed' | 'timeout' | 'fetched-instead' | 'share-refused'

export interface FleetFillOptions {
  lock: FillLock
  store: PageStore
  waitMs: number
  /** Short, so the lock of a replica that died mid-fetch expires well within a waiter's waitMs and the waiter takes over. */
  lockTtlMs: number
  pollMs?: number
  now?: () => number
  observeWait?: (() => (outcome: FleetWaitOutcome) => void) | undefined
}

/**
 * Fleet-wide single flight for one page. A holder that dies leaves a lock that expires and the next
 * waiter takes over; with Redis unreachable each process fetches for itself (fail open).
 */
export class FleetFill {
  readonly #options: FleetFillOptions
  readonly #now: () => number

  constructor (options: FleetFillOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
  }

  async fill (
    keys: PageKeys,
    usable: (entry: CacheEntry) => boolean,
    fetch: (held: HeldFill) => Promise<Filled>,
    storedSince?: number,
    share?: KeyedGcra
  ): Promise<Filled> {
    const { lock, store, waitMs, lockTtlMs } = this.#options
    const pollMs = this.#options.pollMs ?? 50
    const deadline = this.#now() + waitMs
    const holders = new Set<string>()
    let waiting: ((outcome: FleetWaitOutcome) => void) | undefined
    const stopWaiting = (outcome: FleetWaitOutcome): void => {
      waiting?.(outcome)
      waiting = undefined
    }
    // Taken at most once per fill: a lock taken with it and then given back (another replica's outcome came) keeps it.
    let shareTaken = false
    for (;;) {
      const attempt = await lock.acquire(keys, lockTtlMs, storedSince, shareTaken ? undefined : share)
      let outcome: FillOutcome | undefined
      if (attempt.acquired) {
        shareTaken ||= attempt.shareTaken === true
        // A holder we saw may have just released; its announcement may still be in flight.
        if (holders.size > 0) await new Promise((resolve) => setImmediate(resolve))
        outcome = lock.recentOutcome(keys.page, holders)
        if (outcome === undefined) {
          // The lock may be free because another replica has just filled the page, before its announcement arrives: look once more.
          const read = attempt.read ?? await store.read(keys)
          if (read?.entry !== undefined && usable(read.entry)) {
            await lock.release(keys.lock, attempt.token)
            stopWaiting('filled')
            return { entry: read.entry, stored: false, collapsed: true }
          }
          stopWaiting('fetched-instead')
          const held = { turn: attempt.turn, generation: read?.generation, shareTaken }
          return await this.#fetchHoldingLock(keys, attempt.token, async (storeAndSettle) => await fetch({ ...held, storeAndSettle }))
        }
        await lock.release(keys.lock, attempt.token)
      } else if (attempt.unavailable) {
        stopWaiting('fetched-instead')
        return await fetch({ shareTaken })
      } else if ('shareWaitMs' in attempt) {
        stopWaiting('share-refused')
        throw new ShareRefused(attempt.shareWaitMs)
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

  async #fetchHoldingLock (
    keys: PageKeys, token: string, fetch: (storeAndSettle: HeldFill['storeAndSettle']) => Promise<Filled>
  ): Promise<Filled> {
    let outcome: FillOutcome | undefined
    let settled = false
    const { lock, lockTtlMs } = this.#options
    const renewal = setInterval(() => { lock.renew(keys.lock, token, lockTtlMs).catch(() => {}) }, Math.max(1, Math.floor(lockTtlMs / 3)))
    const { settle } = lock
    const storeAndSettle = settle === undefined
      ? undefined
      : async (page: PageWrite): Promise<boolean> => {
        settled = true
        clearInterval(renewal)
        return await settle.call(lock, keys, token, { ok: true }, page)
      }
    try {
      const filled = await fetch(storeAndSettle)
      outcome = { ok: true }
      return filled
    } catch (err) {
      if (err instanceof UpstreamError) outcome = { ok: false, error: shareError(err) }
      throw err
    } finally {
      clearInterval(renewal)
      // A failure is settled before answering, so no later request can see the lock held and take that
      // error as its own (errors are never cached); a success is in the store already.
      if (!settled) {
        const settling = this.#settle(keys, token, outcome)
        if (outcome?.ok === true) settling.catch(() => {})
        else await settling
      }
    }
  }

  async #settle (keys: PageKeys, token: string, outcome: FillOutcome | undefined): Promise<void> {
    const { lock } = this.#options
    if (outcome !== undefined && lock.settle !== undefined) {
      await lock.settle(keys, token, outcome)
      return
    }
    if (outcome !== undefined) await lock.announce(keys.page, token, outcome)
    await lock.release(keys.lock, token)
  }
}
