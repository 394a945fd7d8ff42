import type { Problem } from './problem.js'

/**
 * A refusal decided before any route runs (authentication, rate limits, overload, a query too
 * long): thrown from a hook, it reaches the one error handler, which sends it as a problem.
 */
export class ProblemError extends Error {
  readonly problem: Omit<Problem, 'instance'>
  readonly headers: Record<string, string>

  constructor (problem: Omit<Problem, 'instance'>, headers: Record<string, string> = {}) {
    super(problem.detail ?? problem.title)
    this.name = 'ProblemError'
    this.problem = problem
    this.headers = headers
  }
}
