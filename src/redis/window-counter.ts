import type { WindowCounter } from '../http/window-limit.js'
import { COUNT_IN_WINDOW, runScript } from './scripts.js'
import type { SharedRedis } from './shared-redis.js'

/**
 * Fixed-window counters in the shared Redis, through the Redis guard like every other Redis call:
 * while Redis fails, a count costs at most the guard's bound and comes back undefined.
 */
export class RedisWindowCounter implements WindowCounter {
  readonly #redis: SharedRedis
  readonly #prefix: string

  constructor (redis: SharedRedis, prefix: string) {
    this.#redis = redis
    this.#prefix = prefix
  }

  /** The count and the milliseconds left in the window, or undefined when Redis could not say. */
  async window (key: string, windowMs: number): Promise<{ current: number, ttl: number } | undefined> {
    const { client, guard } = this.#redis
    const answer = await guard.call(async () => await runScript(client, COUNT_IN_WINDOW, [this.#prefix + key], [windowMs]), undefined)
    return Array.isArray(answer) ? { current: Number(answer[0]), ttl: Number(answer[1]) } : undefined
  }
}
