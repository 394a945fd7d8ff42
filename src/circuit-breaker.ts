export type BreakerState = 'closed' | 'open'

export interface CircuitBreakerOptions {
  threshold?: number
  cooldownMs?: number
  now?: () => number
  onChange?: (state: BreakerState, error?: unknown) => void
}

/** Callers skip the dependency for the cool-down instead of each paying a timeout. */
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

  allows (): boolean {
    return this.#openUntil <= this.#now()
  }

  get state (): BreakerState {
    return this.allows() ? 'closed' : 'open'
  }

  healthy (): boolean {
    return this.#failures < this.#threshold
  }

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
