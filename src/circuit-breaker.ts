export type BreakerState = 'closed' | 'open'

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. */
  threshold?: number
  /** How long an open breaker refuses before letting a probe through. */
  cooldownMs?: number
  now?: () => number
  /** Called once per transition, not on every failure. */
  onChange?: (state: BreakerState, error?: unknown) => void
}

/**
 * Counts consecutive failures of one dependency (a WeChat Pay host, Redis). After `threshold` in a
 * row it opens: callers skip the dependency for the cool-down instead of each paying a timeout.
 * Then it lets calls through again (half-open); the first outcome closes it or opens it anew.
 */
export class CircuitBreaker {
  readonly #threshold: number
  readonly #cooldownMs: number
  readonly #now: () => number
  readonly #onChange: CircuitBreakerOptions['onChange']
  #failures = 0
  #openUntil = 0

  constructor (options: CircuitBreakerOptions = {}) {
    this.#threshold = options.threshold ?? 3
    this.#cooldownMs = options.cooldownMs ?? 30_000
    this.#now = options.now ?? Date.now
    this.#onChange = options.onChange
  }

  /** False while cooling down. */
  allows (): boolean {
    return this.#openUntil <= this.#now()
  }

  get state (): BreakerState {
    return this.allows() ? 'closed' : 'open'
  }

  /** Healthy unless failures are piling up (open, or half-open after opening). */
  healthy (): boolean {
    return this.#failures < this.#threshold
  }

  /** Ends the cool-down now: the next call is a probe, and one failure opens the circuit again. */
  probeNow (): void {
    this.#openUntil = Math.min(this.#openUntil, this.#now())
  }

  succeeded (): void {
    if (this.#failures >= this.#threshold) this.#onChange?.('closed')
    this.#failures = 0
    this.#openUntil = 0
  }

  failed (error?: unknown): void {
    this.#failures++
    if (this.#failures < this.#threshold) return
    const wasOpen = !this.allows()
    this.#openUntil = this.#now() + this.#cooldownMs
    if (!wasOpen) this.#onChange?.('open', error)
  }
}
