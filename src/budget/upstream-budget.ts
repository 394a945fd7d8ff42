import { setTimeout as sleep } from 'node:timers/promises'
import type { UpstreamBudget } from '../wechatpay/client.js'
import { UpstreamError } from '../wechatpay/upstream-error.js'
import { gcra, type GcraParams } from './gcra.js'
import type { PrepaidTurn } from './prepaid-turn.js'
import { secondsToWait } from '../problems/problem-error.js'

/** Undefined when the shared state cannot be reached. */
export interface SharedRate {
  take: (params: GcraParams) => Promise<number | undefined>
}

export const BUDGET_MAX_WAIT_MS = 1_000

export interface BudgetTake {
  outcome: 'immediate' | 'waited' | 'refused'
  waitedMs: number
}

export type BudgetWaitOutcome = 'granted' | 'refused'

export interface BudgetOptions {
  maxRps: number
  shared?: SharedRate | undefined
  maxWaitMs?: number
  now?: () => number
  /** A refusal otherwise shows only as the caller's 503 or stale page. */
  onTake?: ((take: BudgetTake) => void) | undefined
  observeWait?: (() => (outcome: BudgetWaitOutcome) => void) | undefined
}

/**
 * The merchant's quota (docs/wechatpay-protocol.md §0) for the fleet. While Redis is away each process keeps
 * the whole rate locally: a fleet may briefly exceed it, but no replica is blocked by Redis' absence.
 */
export class FleetBudget implements UpstreamBudget {
  readonly #params: GcraParams
  readonly #options: BudgetOptions
  readonly #now: () => number
  #localTat: number | undefined

  constructor (options: BudgetOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
    // A burst of one: a larger burst would allow nearly twice the rate in a window after a lull.
    this.#params = { intervalMs: 1000 / options.maxRps, burst: 1 }
  }

  get params (): GcraParams {
    return this.#params
  }

  async take (deadline: number, turn?: PrepaidTurn): Promise<void> {
    const started = this.#now()
    // One bound for all the waiting this attempt does, not one per loop.
    const giveUpAt = Math.min(deadline - 100, started + (this.#options.maxWaitMs ?? BUDGET_MAX_WAIT_MS))
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
          retryAfterSeconds: secondsToWait(waitMs)
        })
      }
      waiting ??= this.#options.observeWait?.()
      await sleep(waitMs)
    }
  }

  async #tryTake (): Promise<number> {
    const shared = await this.#options.shared?.take(this.#params)
    if (shared !== undefined) return shared
    const result = gcra(this.#localTat, this.#now(), this.#params)
    this.#localTat = result.tat
    return result.allowed ? 0 : result.waitMs
  }
}
