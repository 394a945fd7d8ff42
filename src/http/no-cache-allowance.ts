/** Counts in fixed windows across the fleet (implemented on Redis in src/redis/window-counter.ts). */
export interface WindowCounter {
  /** The key's count in its current window, this one included; undefined when the count cannot be had. */
  increment: (key: string, windowMs: number) => Promise<number | undefined>
}

const WINDOW_MS = 60_000
// Callers counted in this process while the shared counter is away; more are forgotten, not grown.
const LOCAL_CALLERS = 10_000

/**
 * How often one caller's `Cache-Control: no-cache` is honoured: NO_CACHE_PER_MINUTE times a minute,
 * counted fleet-wide when the shared counter answers and in this process while it does not. Past
 * that the cached page is served: a caller cannot spend the merchant's WeChat Pay budget, or the
 * stale copies that protect everyone, by forcing refetches in a loop.
 */
export class NoCacheAllowance {
  readonly #perMinute: number
  readonly #shared: WindowCounter | undefined
  readonly #now: () => number
  readonly #local = new Map<string, { start: number, count: number }>()

  constructor (perMinute: number, shared: WindowCounter | undefined, now: () => number = Date.now) {
    this.#perMinute = perMinute
    this.#shared = shared
    this.#now = now
  }

  async allows (caller: string): Promise<boolean> {
    if (this.#perMinute === 0) return false
    const count = await this.#shared?.increment(caller, WINDOW_MS) ?? this.#countHere(caller)
    return count <= this.#perMinute
  }

  #countHere (caller: string): number {
    const now = this.#now()
    const window = this.#local.get(caller)
    if (window !== undefined && now - window.start < WINDOW_MS) return ++window.count
    if (this.#local.size >= LOCAL_CALLERS) this.#local.clear()
    this.#local.set(caller, { start: now, count: 1 })
    return 1
  }
}
