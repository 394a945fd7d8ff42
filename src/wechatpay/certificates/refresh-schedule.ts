/**
 * When certificate refreshes run besides the ones answers trigger: every refresh interval, and
 * after a failure with exponential backoff and jitter (10 s doubling to 5 min), so a replica
 * that could not download keeps trying without hammering WeChat Pay. Timers never hold the
 * process open.
 */
export class RefreshSchedule {
  readonly #intervalMs: number
  readonly #run: (reason: string) => void
  readonly #random: () => number
  #periodic: NodeJS.Timeout | undefined
  #retry: NodeJS.Timeout | undefined
  #failures = 0
  #stopped = false

  constructor (intervalMs: number, run: (reason: string) => void, random: () => number = Math.random) {
    this.#intervalMs = intervalMs
    this.#run = run
    this.#random = random
  }

  startPeriodic (): void {
    if (this.#stopped || this.#periodic !== undefined) return
    this.#periodic = setInterval(() => { this.#run('scheduled') }, this.#intervalMs)
    this.#periodic.unref()
  }

  /** Schedules the next attempt after a failure, unless one is already scheduled. */
  retryLater (): void {
    if (this.#stopped || this.#retry !== undefined) return
    this.#failures++
    const ceiling = Math.min(300_000, 10_000 * 2 ** (this.#failures - 1))
    const delay = Math.round(ceiling / 2 + this.#random() * ceiling / 2)
    this.#retry = setTimeout(() => {
      this.#retry = undefined
      this.#run('retry')
    }, delay)
    this.#retry.unref()
  }

  succeeded (): void {
    this.#failures = 0
    clearTimeout(this.#retry)
    this.#retry = undefined
  }

  stop (): void {
    this.#stopped = true
    clearInterval(this.#periodic)
    clearTimeout(this.#retry)
  }
}
