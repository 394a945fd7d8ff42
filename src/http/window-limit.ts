import { setNewest } from '../bounded-map.js'
import { secondsToWait } from '../problems/problem-error.js'

export interface WindowCounter {
  /** The key's count in its current window, this one included, and the window's milliseconds left; undefined when Redis could not say. */
  window: (key: string, windowMs: number) => Promise<{ current: number, ttl: number } | undefined>
}

export interface WindowVerdict { allowed: boolean, retryAfterSeconds: number }

const WINDOW_MS = 60_000
// Keys counted in this process while the shared counter is away; past it the oldest are forgotten, not grown.
const LOCAL_KEYS = 10_000

/** Counted in this process while the shared counter is away; refused uses count too, so hammering does not wear it down. */
export class WindowLimit {
  readonly #perMinute: number
  readonly #shared: WindowCounter | undefined
  readonly #now: () => number
  readonly #local = new Map<string, { start: number, count: number }>()

  constructor (perMinute: number, shared: WindowCounter | undefined, now: () => number = Date.now) {
    this.#perMinute = perMinute
    this.#shared = shared
    this.#now = now
  }

  async take (key: string): Promise<WindowVerdict> {
    if (this.#perMinute === 0) return { allowed: false, retryAfterSeconds: WINDOW_MS / 1000 }
    const window = await this.#shared?.window(key, WINDOW_MS) ?? this.#countHere(key)
    return { allowed: window.current <= this.#perMinute, retryAfterSeconds: secondsToWait(window.ttl) }
  }

  #countHere (key: string): { current: number, ttl: number } {
    const now = this.#now()
    const window = this.#local.get(key)
    if (window !== undefined && now - window.start < WINDOW_MS) return { current: ++window.count, ttl: window.start + WINDOW_MS - now }
    setNewest(this.#local, key, { start: now, count: 1 }, LOCAL_KEYS)
    return { current: 1, ttl: WINDOW_MS }
  }
}
