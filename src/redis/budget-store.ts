import { GCRA_SCRIPT, type GcraParams } from '../budget/gcra.js'
import type { SharedRate } from '../budget/upstream-budget.js'
import type { RedisConnection } from './connection.js'
import type { RedisGuard } from './guard.js'
import { runScript } from './scripts.js'

/**
 * The merchant's budget as one GCRA key in Redis, run atomically on Redis's own clock, so every
 * replica draws from one budget whatever its local clock says.
 */
export class RedisRate implements SharedRate {
  readonly #redis: RedisConnection
  readonly #guard: RedisGuard
  readonly #key: string

  constructor (redis: RedisConnection, guard: RedisGuard, key: string) {
    this.#redis = redis
    this.#guard = guard
    this.#key = key
  }

  /** `key`: another GCRA state than the merchant's budget, such as one caller's share of it. */
  async take (params: GcraParams, key = this.#key): Promise<number | undefined> {
    const answer = await this.#guard.call(
      async () => await runScript(this.#redis, GCRA_SCRIPT, [key], [params.intervalMs, params.burst]),
      undefined
    )
    if (!Array.isArray(answer)) return undefined
    return answer[0] === 1 ? 0 : Number(answer[1])
  }
}
