export interface RedisGuardOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold?: number
  /** How long the cache stops asking Redis once the circuit is open. */
  openMs?: number
  now?: () => number
  onStateChange?: (state: 'open' | 'closed', error?: unknown) => void
}

/**
 * Fail-open wrapper for Redis calls. Each call is already bounded by ioredis' commandTimeout; after
 * a few failures in a row the guard stops calling Redis for a few seconds, so a stalled Redis
 * costs each request nothing rather than a timeout each. The first call after the pause is a probe.
 */
export class RedisGuard {
  readonly #threshold: number
  readonly #openMs: number
  readonly #now: () => number
  readonly #onStateChange: RedisGuardOptions['onStateChange']
  #failures = 0
  #openUntil = 0

  constructor (options: RedisGuardOptions = {}) {
    this.#threshold = options.failureThreshold ?? 3
    this.#openMs = options.openMs ?? 5_000
    this.#now = options.now ?? Date.now
    this.#onStateChange = options.onStateChange
  }

  /** The call's result, or `fallback` when Redis failed or the circuit is open. Never throws. */
  async call<T, F> (work: () => Promise<T>, fallback: F): Promise<T | F> {
    if (this.isOpen()) return fallback
    try {
      const result = await work()
      if (this.#failures >= this.#threshold) this.#onStateChange?.('closed')
      this.#failures = 0
      return result
    } catch (err) {
      this.#failures++
      if (this.#failures >= this.#threshold) {
        if (this.#failures === this.#threshold) this.#onStateChange?.('open', err)
        this.#openUntil = this.#now() + this.#openMs
      }
      return fallback
    }
  }

  isOpen (): boolean {
    return this.#openUntil > this.#now()
  }

  /** Healthy unless failures are piling up. */
  healthy (): boolean {
    return this.#failures < this.#threshold
  }
}
