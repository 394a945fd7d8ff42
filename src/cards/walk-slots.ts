import type { ServerResponse } from 'node:http'
import { ProblemError } from '../problems/problem-error.js'

/**
 * The /cards/all walks running in this process, in all and per caller. Each walk holds a whole
 * list in memory until its answer is sent, so how many run at once is what bounds that memory.
 * The counts are this replica's own, kept in memory: a limit that costs no Redis round trip and
 * cannot be left holding places for a replica that died. A caller whose calls are spread over n
 * replicas may run n times `perCaller` walks in all, which is still bounded.
 */
export class WalkSlots {
  readonly #perReplica: number
  readonly #perCaller: number
  readonly #byCaller = new Map<string, number>()
  #running = 0

  constructor (perReplica: number, perCaller: number) {
    this.#perReplica = perReplica
    this.#perCaller = perCaller
  }

  /**
   * Counts one walk of `caller`, or refuses it: `too-many-walks` when the caller runs as many as
   * one caller may (checked first: it is the caller's own doing), `walks-busy` when the replica
   * runs as many as it allows. The walk is counted until both it and its response are over, and
   * what is returned is to be called once the walk is over: an answer a slow caller is still
   * reading holds the whole list, and a walk whose caller went away holds its pages until it ends.
   */
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
