import { setTimeout as sleep } from 'node:timers/promises'
import type { RedisConnection } from '../cache/redis-client.js'
import type { RedisGuard } from '../cache/redis-guard.js'
import type { UpstreamBudget } from '../wechatpay/client.js'
import { UpstreamError } from '../wechatpay/upstream-error.js'
import { GCRA_SCRIPT, gcra, type GcraParams } from './gcra.js'

export interface BudgetOptions {
  /** UPSTREAM_MAX_RPS: the merchant's quota, for the whole fleet. */
  maxRps: number
  /** Redis key of the shared budget; without Redis the budget is this process's alone. */
  redis?: { client: RedisConnection, guard: RedisGuard, key: string }
  /** The longest a request waits for its turn before giving up on the upstream. */
  maxWaitMs?: number
  now?: () => number
}

/**
 * The merchant's WeChat Pay quota (5 requests/s for the sibling card APIs, reference §0) shared by
 * every replica through one GCRA key in Redis. While Redis is away each process keeps the whole
 * rate locally, so a fleet may briefly exceed it, but no replica is ever blocked by Redis' absence.
 */
export class FleetBudget implements UpstreamBudget {
  readonly #params: GcraParams
  readonly #options: BudgetOptions
  readonly #now: () => number
  #localTat: number | undefined

  constructor (options: BudgetOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
    // A burst of one: no second-long window ever holds more than UPSTREAM_MAX_RPS calls (plus the
    // one at its edge); a larger burst would allow nearly twice the rate in a window after a lull.
    this.#params = { intervalMs: 1000 / options.maxRps, burst: 1 }
  }

  async take (deadline: number): Promise<void> {
    // One bound for all the waiting this attempt does, not one per loop.
    const giveUpAt = Math.min(deadline - 100, this.#now() + (this.#options.maxWaitMs ?? 1_000))
    for (;;) {
      const waitMs = await this.#tryTake()
      if (waitMs === 0) return
      if (this.#now() + waitMs > giveUpAt) {
        throw new UpstreamError('upstream-budget-exhausted', `over the ${this.#options.maxRps}/s WeChat Pay budget`, {
          retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000))
        })
      }
      await sleep(waitMs)
    }
  }

  /** 0 when the request may go now, else how long to wait. */
  async #tryTake (): Promise<number> {
    const { redis } = this.#options
    if (redis !== undefined) {
      const answer = await redis.guard.call(async () => await redis.client.eval(GCRA_SCRIPT, 1, redis.key, this.#params.intervalMs, this.#params.burst), undefined)
      if (Array.isArray(answer)) return answer[0] === 1 ? 0 : Number(answer[1])
    }
    const result = gcra(this.#localTat, this.#now(), this.#params)
    this.#localTat = result.tat
    return result.allowed ? 0 : result.waitMs
  }
}
