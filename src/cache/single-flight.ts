/**
 * Concurrent callers for one key share one promise: the first starts the work, the others join it.
 * The entry is removed when the work settles, so a failure is never replayed to later callers.
 */
export class SingleFlight<T> {
  readonly #pending = new Map<string, Promise<T>>()

  /** `joined` is true for callers that did not start the work themselves. */
  async run (key: string, work: () => Promise<T>): Promise<{ value: T, joined: boolean }> {
    const existing = this.#pending.get(key)
    if (existing !== undefined) return { value: await existing, joined: true }
    const promise = work().finally(() => { this.#pending.delete(key) })
    this.#pending.set(key, promise)
    return { value: await promise, joined: false }
  }

  has (key: string): boolean {
    return this.#pending.has(key)
  }

  get size (): number {
    return this.#pending.size
  }
}
