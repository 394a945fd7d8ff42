import { CircuitBreaker, type BreakerState } from '../circuit-breaker.js'

export interface RedisGuardOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold?: number
  /** How long the cache stops asking Redis once the circuit is open. */
  openMs?: number
  now?: () => number
  onStateChange?: (state: BreakerState, error?: unknown) => void
  /** After any failure, how long every call falls back at once (one request never pays twice). */
  quietMs?: number
  /**
   * A deadline on each call, for clients whose own retries can outlast the command timeout: a
   * Cluster follows redirects and waits out CLUSTERDOWN during a failover. Unset: none.
   */
  deadlineMs?: number
}

/**
 * Fail-open wrapper for Redis calls. Each call is already bounded by ioredis' commandTimeout; after
 * a few failures in a row the guard stops calling Redis for a few seconds, so a stalled Redis
 * costs each request nothing rather than a timeout each. The first call after the pause is a probe.
 */
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

  /** The call's result, or `fallback` when Redis failed or the circuit is open. Never throws. */
  async call<T, F> (work: () => Promise<T>, fallback: F): Promise<T | F> {
    // A miss makes several Redis calls in a row (page, lock, budget): once one has timed out, the
    // rest of the request, and any other in the next moment, skip Redis instead of timing out too.
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

  /**
   * The client has just (re)connected, to the same server or to a new primary after a failover:
   * Redis may be back, so the next call probes it at once instead of waiting out the pause. The
   * failures are not forgotten: if the probe fails (a Redis that crash-loops, or reconnects only to
   * fail again), the circuit opens again for the whole pause.
   */
  reconnected (): void {
    this.#breaker.probeNow()
    this.#quietUntil = 0
  }

  isOpen (): boolean {
    return !this.#breaker.allows()
  }

  /** Healthy unless Redis just failed or failures are piling up. */
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
