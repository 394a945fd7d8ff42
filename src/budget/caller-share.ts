import { setTimeout as sleep } from 'node:timers/promises'
import { gcra, type GcraParams } from './gcra.js'

/**
 * One caller's GCRA state, shared by the fleet (implemented on Redis in src/redis/budget-store.ts):
 * 0 when the caller may call now, else the milliseconds to wait; undefined when it cannot be reached.
 */
export type SharedShare = (caller: string, params: GcraParams) => Promise<number | undefined>

export interface CallerShareOptions {
  /** UPSTREAM_MAX_RPS. */
  maxRps: number
  /** UPSTREAM_CALLER_SHARE: the fraction of it one caller may spend. */
  fraction: number
  /** Without it (or while it fails), each process keeps each caller's share on its own. */
  shared?: SharedShare | undefined
  now?: () => number
}

// Callers whose share this process keeps while Redis is away; more are forgotten, not grown.
const LOCAL_CALLERS = 10_000

/**
 * No caller may spend more than UPSTREAM_CALLER_SHARE of the merchant's WeChat Pay budget, so the
 * rest always reaches the other callers: a caller that reads uncached pages in a loop runs out of
 * its own share long before the budget, and is told so at once instead of queueing for turns the
 * others need. A burst of a second's share lets a caller's few parallel reads through together.
 */
export class CallerShare {
  readonly #params: GcraParams | undefined
  readonly #options: CallerShareOptions
  readonly #now: () => number
  readonly #local = new Map<string, number>()

  constructor (options: CallerShareOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
    const rps = options.maxRps * options.fraction
    // A share of the whole budget is no limit at all: no state, no Redis call.
    this.#params = options.fraction >= 1 ? undefined : { intervalMs: 1000 / rps, burst: Math.max(1, Math.floor(rps)) }
  }

  /**
   * 0 when the caller may go upstream now (its turn taken), else the milliseconds until it may.
   * `maxWaitMs`: how long the caller would rather wait for its turn than be refused.
   */
  async take (caller: string, maxWaitMs = 0): Promise<number> {
    const params = this.#params
    if (params === undefined) return 0
    const giveUpAt = this.#now() + maxWaitMs
    for (;;) {
      const waitMs = await this.#options.shared?.(caller, params) ?? this.#takeHere(caller, params)
      if (waitMs === 0 || this.#now() + waitMs > giveUpAt) return waitMs
      await sleep(waitMs)
    }
  }

  #takeHere (caller: string, params: GcraParams): number {
    if (this.#local.size >= LOCAL_CALLERS && !this.#local.has(caller)) this.#local.clear()
    const result = gcra(this.#local.get(caller), this.#now(), params)
    this.#local.set(caller, result.tat)
    return result.allowed ? 0 : result.waitMs
  }
}
