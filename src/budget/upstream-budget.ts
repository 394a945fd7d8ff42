import { setTimeout as sleep } from 'node:timers/promises'
import type { UpstreamBudget } from '../wechatpay/client.js'
import { UpstreamError } from '../wechatpay/upstream-error.js'
import { gcra, type GcraParams } from './gcra.js'
import type { PrepaidTurn } from './prepaid-turn.js'

/**
 * The fleet's one GCRA state (implemented on Redis in src/redis/budget-store.ts): 0 when a call may
 * go now, else the milliseconds to wait; undefined when the shared state cannot be reached.
 */
export interface SharedRate {
  take: (params: GcraParams) => Promise<number | undefined>
}

/** The longest a call waits for its turn by default, before it gives up on the upstream. */
export const BUDGET_MAX_WAIT_MS = 1_000

/** How one take ended: at once, after waiting for its turn, or refused (the turn was too far). */
export interface BudgetTake {
  outcome: 'immediate' | 'waited' | 'refused'
  /** Milliseconds from asking to the grant or refusal (only the shared state's round trip when immediate). */
  waitedMs: number
}

/** How a wait for the budget ended: the call went out, or its turn was too far. */
export type BudgetWaitOutcome = 'granted' | 'refused'

export interface BudgetOptions {
  /** UPSTREAM_MAX_RPS: the merchant's quota, for the whole fleet. */
  maxRps: number
  /** The fleet's shared budget; without it (or while it fails) the budget is this process's alone. */
  shared?: SharedRate | undefined
  /** The longest a request waits for its turn before giving up on the upstream. */
  maxWaitMs?: number
  now?: () => number
  /** Told of every take, for metrics: a refusal otherwise shows only as the caller's 503 or stale page. */
  onTake?: ((take: BudgetTake) => void) | undefined
  /** Told when a call has to wait for its turn, and how the wait ended: the tracing side makes a span of it. */
  observeWait?: (() => (outcome: BudgetWaitOutcome) => void) | undefined
}

/**
 * The merchant's WeChat Pay quota (5 requests/s for the sibling card APIs, docs/wechatpay-protocol.md §0) shared by
 * every replica through one GCRA key in Redis. While Redis is away each process keeps the whole
 * rate locally, so a fleet may briefly exceed it, but no replica is ever blocked by Redis' absence.
 */
export class FleetBudget implements UpstreamBudget {
  readonly #params: GcraParams
  readonly #options: BudgetOptions
  readonly #now: () => number
  #localTat: number | undefined

  constructor (options: BudgetOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
    // A burst of one: no second-long window ever holds more than UPSTREAM_MAX_RPS calls (plus the
    // one at its edge); a larger burst would allow nearly twice the rate in a window after a lull.
    this.#params = { intervalMs: 1000 / options.maxRps, burst: 1 }
  }

  /** The GCRA parameters, for a script that takes a turn atomically with something else. */
  get params (): GcraParams {
    return this.#params
  }

  async take (deadline: number, turn?: PrepaidTurn): Promise<void> {
    const started = this.#now()
    // One bound for all the waiting this attempt does, not one per loop.
    const giveUpAt = Math.min(deadline - 100, started + (this.#options.maxWaitMs ?? BUDGET_MAX_WAIT_MS))
    // Set once this take has to wait for its turn, and called when the wait ends.
    let waiting: ((outcome: BudgetWaitOutcome) => void) | undefined
    const report = (outcome: BudgetTake['outcome']): void => {
      this.#options.onTake?.({ outcome, waitedMs: this.#now() - started })
      waiting?.(outcome === 'refused' ? 'refused' : 'granted')
    }
    if (turn !== undefined) {
      report('immediate')
      return
    }
    for (let waited = false; ; waited = true) {
      const waitMs = await this.#tryTake()
      if (waitMs === 0) {
        report(waited ? 'waited' : 'immediate')
        return
      }
      if (this.#now() + waitMs > giveUpAt) {
        report('refused')
        throw new UpstreamError('upstream-budget-exhausted', `over the ${this.#options.maxRps}/s WeChat Pay budget`, {
          retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000))
        })
      }
      waiting ??= this.#options.observeWait?.()
      await sleep(waitMs)
    }
  }

  /** 0 when the request may go now, else how long to wait. */
  async #tryTake (): Promise<number> {
    const shared = await this.#options.shared?.take(this.#params)
    if (shared !== undefined) return shared
    const result = gcra(this.#localTat, this.#now(), this.#params)
    this.#localTat = result.tat
    return result.allowed ? 0 : result.waitMs
  }
}
