import type { ProblemDefinition } from './problem-definition.js'
import { SERVICE_PROBLEMS } from './service-problems.js'
import { UPSTREAM_PROBLEMS } from './upstream-problems.js'
import { ENDPOINT_PROBLEMS } from '../wechatpay/endpoints/problems.js'

/**
 * Every problem this service can send, by name: the one place its status, title and documentation
 * are declared, as fastify core declares its errors. Answers, the `/problems` pages, the OpenAPI
 * examples and docs/problems.md are all built from it; code names a problem, and a name missing
 * here does not compile.
 */
const ALL = { ...SERVICE_PROBLEMS, ...UPSTREAM_PROBLEMS, ...ENDPOINT_PROBLEMS }

export type ProblemName = keyof typeof ALL

export const PROBLEMS: Readonly<Record<ProblemName, ProblemDefinition>> = Object.freeze(ALL)

export const PROBLEM_TYPE_PREFIX = '/problems/'

/** The problem `type`, a URI reference relative to this service that resolves to its page. */
export function problemType (name: ProblemName): string {
  return PROBLEM_TYPE_PREFIX + name
}

export function problemDefinition (name: ProblemName): ProblemDefinition {
  return PROBLEMS[name]
}

/** The name, if `text` is one; hasOwn, since it comes from URLs and Redis and "constructor" is no problem. */
export function asProblemName (text: string): ProblemName | undefined {
  return Object.hasOwn(PROBLEMS, text) ? text as ProblemName : undefined
}

export const PROBLEM_NAMES = Object.keys(PROBLEMS) as ProblemName[]
