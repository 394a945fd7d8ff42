import { gcra, type GcraParams, type KeyedGcra } from './gcra.js'
import { setNewest } from '../bounded-map.js'

export type SharedShare = (caller: string, params: GcraParams) => Promise<number | undefined>

export interface CallerShareOptions {
  maxRps: number
  fraction: number
  shared?: SharedShare | undefined
  /** The caller's state in Redis when the fill lock's script can take its turn too (one Redis, not a Cluster). */
  keyOf?: ((caller: string) => string) | undefined
  now?: () => number
}

/** The caller may not call WeChat Pay for `waitMs` more. */
export class ShareRefused extends Error {
  /**
   * Whose share, set where the caller is known (the fill lock's script knows only a key), so that a request
   * that joined another's fetch can tell whether the refusal is its own.
   */
  caller: string | undefined

  constructor (readonly waitMs: number) {
    super(`the caller's share of the upstream budget is spent for ${waitMs} ms`)
  }
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

  /** 0 when the caller may call WeChat Pay now (its turn is taken), else the ms until it may. */
  async take (caller: string): Promise<number> {
    const params = this.#params
    if (params === undefined) return 0
    return await this.#options.shared?.(caller, params) ?? this.#takeHere(caller, params)
  }

  /** The caller's turn for a script to take beside the fill lock, sparing a call of its own; undefined: no limit, or no such script. */
  turnOf (caller: string): KeyedGcra | undefined {
    const { keyOf } = this.#options
    return this.#params === undefined || keyOf === undefined ? undefined : { key: keyOf(caller), ...this.#params }
  }

  #takeHere (caller: string, params: GcraParams): number {
    const result = gcra(this.#local.get(caller), this.#now(), params)
    setNewest(this.#local, caller, result.tat, LOCAL_CALLERS)
    return result.allowed ? 0 : result.waitMs
  }
}
