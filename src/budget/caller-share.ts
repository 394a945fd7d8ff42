import { setTimeout as sleep } from 'node:timers/promises'
import { gcra, type GcraParams } from './gcra.js'
import { setNewest } from '../bounded-map.js'

export type SharedShare = (caller: string, params: GcraParams) => Promise<number | undefined>

export interface CallerShareOptions {
  maxRps: number
  fraction: number
  shared?: SharedShare | undefined
  now?: () => number
}

// Callers whose share this process keeps while Redis is away; past it the oldest are forgotten, not grown.
const LOCAL_CALLERS = 10_000

/** A caller looping over uncached pages runs out of its own share long before the budget, and is told so at once. */
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

  /** `maxWaitMs`: how long the caller would rather wait than be refused. */
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
    const result = gcra(this.#local.get(caller), this.#now(), params)
    setNewest(this.#local, caller, result.tat, LOCAL_CALLERS)
    return result.allowed ? 0 : result.waitMs
  }
}
