import { UPSTREAM_FAILURES } from '../wechatpay/errors.js'
import { UpstreamError } from '../wechatpay/upstream-error.js'
import type { CacheEntry } from './cache-entry.js'
import type { Filled } from './cached-pages.js'
import type { PageKeys } from './cache-keys.js'
import { restoreError, shareError } from './fill-outcome.js'
import type { FleetLock } from './fleet-lock.js'
import type { PageStore } from './page-store.js'

export interface FleetFillOptions {
  lock: FleetLock
  store: PageStore
  /** How long a waiter waits for another replica's fetch: the upstream deadline. */
  waitMs: number
  /** Outlives a legitimate fetch, so only a dead holder's lock expires under a live fetch. */
  lockTtlMs: number
  pollMs?: number
  now?: () => number
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

  async fill (keys: PageKeys, usable: (entry: CacheEntry) => boolean, fetch: () => Promise<Filled>): Promise<Filled> {
    const { lock, store, waitMs, lockTtlMs } = this.#options
    const pollMs = this.#options.pollMs ?? 50
    const deadline = this.#now() + waitMs
    for (;;) {
      const attempt = await lock.acquire(keys.lock, lockTtlMs)
      if (attempt.acquired) return await this.#fetchHoldingLock(keys, attempt.token, fetch)
      if (attempt.unavailable) return await fetch()
      if (attempt.failure !== undefined) throw restoreError(attempt.failure)
      const outcome = await lock.waitForFill(keys.page, Math.max(1, Math.min(pollMs, deadline - this.#now())))
      if (outcome !== undefined && !outcome.ok) throw restoreError(outcome.error)
      const read = await store.read(keys)
      if (read?.entry !== undefined && usable(read.entry)) return { entry: read.entry, stored: false, collapsed: true }
      if (this.#now() >= deadline) {
        throw new UpstreamError(UPSTREAM_FAILURES.timeout, 'another replica\'s fetch of this page did not finish in time')
      }
      // Still locked: keep waiting. Lock gone without a usable page: the next acquire takes over.
    }
  }

  async #fetchHoldingLock (keys: PageKeys, token: string, fetch: () => Promise<Filled>): Promise<Filled> {
    const { lock } = this.#options
    let filled: Filled
    try {
      filled = await fetch()
    } catch (err) {
      if (err instanceof UpstreamError) {
        const error = shareError(err)
        await lock.fail(keys.lock, token, error)
        await lock.announce(keys.page, { ok: false, error })
      } else {
        await lock.release(keys.lock, token)
      }
      throw err
    }
    await lock.announce(keys.page, { ok: true })
    await lock.release(keys.lock, token)
    return filled
  }
}
