import { CircuitBreaker, type BreakerState } from '../circuit-breaker.js'

export interface RedisGuardOptions {
  failureThreshold?: number
  openMs?: number
  now?: () => number
  onStateChange?: (state: BreakerState, error?: unknown) => void
  /** One request never pays twice. */
  quietMs?: number
  /** For clients whose retries can outlast the command timeout (a Cluster during a failover). */
  deadlineMs?: number
}

/** After a few failures in a row, a stalled Redis costs each request nothing rather than a timeout each. */
export class RedisGuard {
  readonly #breaker: CircuitBreaker
  readonly #now: () => number
  readonly #quietMs: number
  readonly #deadlineMs: number | undefined
  #quietUntil = 0

  constructor (options: RedisGuardOptions = {}) {
    this.#now = options.now ?? Date.now
    this.#quietMs = options.quietMs ?? 250
    this.#deadlineMs = options.deadlineMs
    this.#breaker = new CircuitBreaker({
      threshold: options.failureThreshold ?? 3,
      cooldownMs: options.openMs ?? 5_000,
      now: options.now,
      onChange: options.onStateChange
    })
  }

  async call<T, F> (work: () => Promise<T>, fallback: F): Promise<T | F> {
    // Once one call of a miss has timed out, the rest of it, and other requests, skip Redis instead of timing out too.
    if (!this.#breaker.allows() || this.#now() < this.#quietUntil) return fallback
    try {
      const result = this.#deadlineMs === undefined ? await work() : await withDeadline(work(), this.#deadlineMs)
      this.#breaker.succeeded()
      return result
    } catch (err) {
      this.#quietUntil = this.#now() + this.#quietMs
      this.#breaker.failed(err)
      return fallback
    }
  }

  /** Probes at once; failures are not forgotten, so a crash-looping Redis opens the circuit again for the whole pause. */
  reconnected (): void {
    this.#breaker.probeNow()
    this.#quietUntil = 0
  }

  isOpen (): boolean {
    return !this.#breaker.allows()
  }

  healthy (): boolean {
    return this.#breaker.healthy() && this.#now() >= this.#quietUntil
  }
}

async function withDeadline<T> (work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new Error(`Redis did not answer within ${ms} ms`)) }, ms)
  })
  // The abandoned command may still fail later; that must not become an unhandled rejection.
  work.catch(() => {})
  try {
    return await Promise.race([work, late])
  } finally {
    clearTimeout(timer)
  }
}
