import { problemDefinition, problemType, type ProblemName } from '../problems/registry.js'
import { UPSTREAM_PROBLEMS } from '../problems/upstream-problems.js'
import { EXAMPLE_INSTANCE, PROBLEM_EXAMPLES } from './problem-examples.js'

/** An OpenAPI response entry as route schemas hold it (headers are JSON schemas; @fastify/swagger wraps them). */
export type ResponseEntry = Record<string, any>

/** Problems the instance-wide guards can send on any route: a body, a wrong method, a long query, guessed tokens. */
export const EVERY_ROUTE_PROBLEMS = [
  'method-not-allowed', 'request-body-not-allowed', 'query-too-long', 'auth-failures-exceeded'
] as const satisfies readonly ProblemName[]

/** Problems of any route that is not kept open while the service sheds load. */
export const SHED_ROUTE_PROBLEMS = [...EVERY_ROUTE_PROBLEMS, 'overloaded'] as const satisfies readonly ProblemName[]

/** Problems of an INTERNAL_ROUTE before its handler runs: the shared guards, its tokens, its rate limit, its validation. */
export const INTERNAL_ROUTE_PROBLEMS = [
  ...SHED_ROUTE_PROBLEMS, 'unauthorized', 'rate-limited', 'invalid-request'
] as const satisfies readonly ProblemName[]

/** Problems of an ADMIN_ROUTE before its handler runs: the shared guards, an admin token, always, the rate limit. */
export const ADMIN_ROUTE_PROBLEMS = [
  ...SHED_ROUTE_PROBLEMS, 'unauthorized', 'purge-not-configured', 'purge-not-allowed', 'rate-limited', 'invalid-request'
] as const satisfies readonly ProblemName[]

/**
 * What reading an answer of WeChat Pay through the cache can end in: every problem of the exchange,
 * the caller's share of the budget, and no key to verify answers with.
 */
export const UPSTREAM_READ_PROBLEMS: readonly ProblemName[] = [
  ...Object.keys(UPSTREAM_PROBLEMS) as Array<keyof typeof UPSTREAM_PROBLEMS>, 'upstream-share-exceeded', 'keys-unavailable'
]

// Response headers are JSON schemas here; @fastify/swagger wraps them into OpenAPI header objects.
const RETRY_AFTER = { 'Retry-After': { type: 'integer', description: 'Seconds to wait before trying again.' } }

/** The registry's examples of these problems, as OpenAPI wants them: a map of named examples. */
function examplesOf (problems: readonly ProblemName[]): Record<string, { summary: string, value: Record<string, unknown> }> | undefined {
  const entries = PROBLEM_EXAMPLES.filter((example) => problems.includes(example.problem)).map((example) => {
    const { title, status } = problemDefinition(example.problem)
    const { detail, members } = example
    const value = { type: problemType(example.problem), title, status, detail, instance: EXAMPLE_INSTANCE, ...members }
    return [example.key, { summary: example.summary, value }] as const
  })
  return entries.length === 0 ? undefined : Object.fromEntries(entries)
}

/**
 * One status's entry: application/problem+json with the shared Problem schema, each problem listed
 * by its registry title and linked to its page, the examples of those problems, and Retry-After
 * when one of them can succeed later.
 */
function statusResponse (problems: readonly ProblemName[], note: string | undefined): ResponseEntry {
  const list = problems.map((name) => `- [${problemDefinition(name).title}](${problemType(name)})`).join('\n')
  return {
    description: note === undefined ? list : `${list}\n\n${note}`,
    ...(problems.some((name) => problemDefinition(name).retryable) ? { headers: RETRY_AFTER } : {}),
    content: { 'application/problem+json': { schema: { $ref: 'Problem#' }, examples: examplesOf(problems) } }
  }
}

/**
 * A route's responses: its own `answers`, and every problem it can send, grouped by the registry's
 * status. `notes` add what only the route can say about a status. A status that is both an answer
 * and a problem (a 503 readiness report) documents both media types.
 */
export function routeResponses (
  answers: Record<number, ResponseEntry>,
  problems: readonly ProblemName[],
  notes: Partial<Record<number, string>> = {}
): Record<number, ResponseEntry> {
  const byStatus = new Map<number, ProblemName[]>()
  for (const name of new Set(problems)) {
    const { status } = problemDefinition(name)
    byStatus.set(status, [...byStatus.get(status) ?? [], name])
  }
  const responses: Record<number, ResponseEntry> = { ...answers }
  for (const [status, names] of byStatus) {
    const problem = statusResponse(names, notes[status])
    const answer = answers[status]
    responses[status] = answer === undefined
      ? problem
      : {
          description: `${answer.description as string}\n\nOr a problem:\n\n${problem.description as string}`,
          headers: { ...answer.headers, ...problem.headers },
          content: { ...answer.content, ...problem.content }
        }
  }
  return responses
}

/** What the problem list cannot say of INTERNAL_ROUTE: its tokens are optional. */
export const INTERNAL_TOKEN_NOTES = { 401: 'Only once INTERNAL_API_TOKENS or CALLERS_FILE is set.' }

/** Route config of the internal API: bearer tokens when configured, and the per-caller rate limit. */
export const INTERNAL_ROUTE = { access: 'internal', rateLimit: {} } as const

/** Route config of cache administration: an admin token, always, and the per-caller rate limit. */
export const ADMIN_ROUTE = { access: 'admin', rateLimit: {} } as const

/** OpenAPI security of the internal API: a bearer token once INTERNAL_API_TOKENS is set, none until then. */
export const TOKEN_OPTIONAL: Array<Record<string, string[]>> = [{}, { bearer: [] }]

/** OpenAPI security of cache administration: always a bearer token. */
export const TOKEN_REQUIRED: Array<Record<string, string[]>> = [{ bearer: [] }]

/** Headers of every cached /cards answer, for the OpenAPI document. */
export const cacheHeaders = {
  'Cache-Status': {
    type: 'string',
    description: 'What the cache did (RFC 9211), e.g. `wxpay-cards-bff; hit; ttl=42` or `wxpay-cards-bff; fwd=miss; stored`.'
  },
  ETag: { type: 'string', description: 'Strong validator of the page bytes; send it back in If-None-Match.' },
  Age: { type: 'integer', description: 'Seconds since the page was fetched from WeChat Pay.' },
  'Cache-Control': { type: 'string', description: '`private, max-age=<seconds of freshness left>`.' },
  'X-Wechatpay-Request-Id': { type: 'string', description: 'WeChat Pay\'s Request-ID of the call that fetched the page.' }
}
