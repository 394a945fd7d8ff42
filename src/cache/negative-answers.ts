import type { UpstreamError } from '../wechatpay/upstream-error.js'
import { setNewest } from '../bounded-map.js'

// Answers remembered at once; past this the oldest go first. Each is a few hundred bytes.
const MAX_ANSWERS = 10_000

/**
 * Errors that say a thing does not exist (an unknown card id), remembered in this process for a
 * few seconds: a caller looping on a bad id costs one WeChat Pay call per few seconds and replica
 * rather than one per request. Kept out of the shared store on purpose: they live seconds, and a
 * purge or a new template must not wait for them any longer than that.
 */
export class NegativeAnswers {
  readonly #ttlMs: number
  readonly #now: () => number
  readonly #answers = new Map<string, { error: UpstreamError, until: number }>()

  constructor (ttlMs: number, now: () => number) {
    this.#ttlMs = ttlMs
    this.#now = now
  }

  get (key: string): UpstreamError | undefined {
    const answer = this.#answers.get(key)
    if (answer === undefined) return undefined
    if (answer.until > this.#now()) return answer.error
    this.#answers.delete(key)
    return undefined
  }

  set (key: string, error: UpstreamError): void {
    setNewest(this.#answers, key, { error, until: this.#now() + this.#ttlMs }, MAX_ANSWERS)
  }
}
