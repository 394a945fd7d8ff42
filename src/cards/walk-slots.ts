import type { ServerResponse } from 'node:http'
import { ProblemError } from '../problems/problem-error.js'

/** Each walk holds a whole list in memory, so the count bounds that memory; in memory, so no dead replica holds places. */
export class WalkSlots {
  readonly #perReplica: number
  readonly #perCaller: number
  readonly #byCaller = new Map<string, number>()
  #running = 0

  constructor (perReplica: number, perCaller: number) {
    this.#perReplica = perReplica
    this.#perCaller = perCaller
  }

  /** Counted until its response is over too: a slow reader holds the whole list. */
  admit (caller: string, response: ServerResponse): () => void {
    const mine = this.#byCaller.get(caller) ?? 0
    if (mine >= this.#perCaller) {
      throw new ProblemError('too-many-walks', `At most ${this.#perCaller} GET /cards/all calls of one caller run at once ` +
        'on a replica, and yours already do; wait for one to answer.')
    }
    if (this.#running >= this.#perReplica) {
      throw new ProblemError('walks-busy', `This replica already runs ${this.#perReplica} GET /cards/all calls, ` +
        'as many as it allows at once; retry shortly.')
    }
    this.#running++
    this.#byCaller.set(caller, mine + 1)
    // `close` comes after the last byte is handed over, or when the connection goes first.
    let pending = response.closed ? 1 : 2
    const over = (): void => {
      if (--pending === 0) this.#release(caller)
    }
    if (!response.closed) response.once('close', over)
    return over
  }

  #release (caller: string): void {
    this.#running--
    const left = (this.#byCaller.get(caller) ?? 1) - 1
    if (left === 0) this.#byCaller.delete(caller)
    else this.#byCaller.set(caller, left)
  }
}
