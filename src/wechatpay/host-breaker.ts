export type BreakerState = 'closed' | 'open'

export interface HostBreakerOptions {
  /** Consecutive connection failures that open the breaker. */
  threshold?: number
  cooldownMs?: number
  now?: () => number
  onChange?: (host: string, state: BreakerState) => void
}

/**
 * Per-host circuit breaker for connection-level failures only (DNS, refused, reset, TLS): an HTTP
 * answer, even a 5xx, proves the host is reachable. While open, the client skips the host for the
 * cool-down, then lets one attempt through (half-open); its outcome closes or reopens it.
 */
export class HostBreaker {
  readonly host: string
  readonly #threshold: number
  readonly #cooldownMs: number
  readonly #now: () => number
  readonly #onChange: HostBreakerOptions['onChange']
  #failures = 0
  #openUntil = 0

  constructor (host: string, options: HostBreakerOptions = {}) {
    this.host = host
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

  reachable (): void {
    if (this.#failures >= this.#threshold) this.#onChange?.(this.host, 'closed')
    this.#failures = 0
    this.#openUntil = 0
  }

  unreachable (): void {
    this.#failures++
    if (this.#failures >= this.#threshold) {
      this.#openUntil = this.#now() + this.#cooldownMs
      this.#onChange?.(this.host, 'open')
    }
  }
}
