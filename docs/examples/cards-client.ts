/**
 * Calling wxpay-cards-bff from TypeScript with openapi-fetch and the types `npm run openapi` writes to
 * openapi/openapi.d.ts. It runs in browsers (see "Calling from a browser" in docs/api.md) and in
 * Node.js 20 or later. test/integration/typed-client-example.test.ts type-checks it and runs it
 * against the sandbox.
 */
import createClient, { type Client } from 'openapi-fetch'
import type { components, paths } from '../../openapi/openapi.js'

export type Card = components['schemas']['Card']
export type CardsPage = components['schemas']['CardsPage']
export type Problem = components['schemas']['Problem']
export type CardsQuery = paths['/cards']['get']['parameters']['query']

/** A client of the service at `baseUrl`; `token` is one of INTERNAL_API_TOKENS, once the service requires one. */
export function cardsClient (baseUrl: string, token?: string): Client<paths> {
  return createClient<paths>({ baseUrl, headers: token === undefined ? {} : { Authorization: `Bearer ${token}` } })
}

export type PageOutcome =
  | { ok: true, page: CardsPage, requestId: string | null, cacheStatus: string | null }
  | { ok: false, problem: Problem, advice: string }

export interface RetryOptions {
  /** Calls at most, the first included (default 3). */
  attempts?: number
  /** The longest Retry-After worth waiting for (default 10 s); past it the problem comes back at once. */
  maxWaitSeconds?: number
  /** How to wait; tests pass their own to watch it. */
  sleep?: (ms: number) => Promise<void>
}

/**
 * One page of card templates. A problem with Retry-After (the service's 429s and 503s: a caller's
 * limit, WeChat Pay's rate limit, the merchant's budget, load shedding) is tried again after that
 * long; any other problem comes back at once, with advice chosen by its `type`.
 */
export async function fetchCardsPage (client: Client<paths>, query: CardsQuery, options: RetryOptions = {}): Promise<PageOutcome> {
  const { attempts = 3, maxWaitSeconds = 10, sleep = wait } = options
  for (let attempt = 1; ; attempt++) {
    const { data, error, response } = await client.GET('/cards', { params: { query } })
    if (data !== undefined) {
      return { ok: true, page: data, requestId: response.headers.get('X-Request-Id'), cacheStatus: response.headers.get('Cache-Status') }
    }
    const retryAfter = retryAfterSeconds(response)
    if (retryAfter !== undefined && retryAfter <= maxWaitSeconds && attempt < attempts) {
      await sleep(retryAfter * 1000)
      continue
    }
    return { ok: false, problem: error, advice: adviceFor(error) }
  }
}

/**
 * What to do about a problem, by its `type`: stable, unlike `title` and `detail`. `GET <type>` on the
 * service explains each one; docs/problems.md lists them all.
 */
export function adviceFor (problem: Problem): string {
  switch (problem.type) {
    case '/problems/invalid-request':
      return 'Fix the query: ' + (problem.invalid_params ?? []).map((param) => `${param.name} ${param.reason}`).join('; ')
    case '/problems/unauthorized':
      return 'Send Authorization: Bearer <token>, with a token the service accepts.'
    case '/problems/upstream-no-auth':
      return 'The merchant may not use member cards on WeChat Pay: ask the merchant\'s WeChat Pay administrator.'
    case '/problems/rate-limited':
    case '/problems/upstream-rate-limited':
    case '/problems/upstream-budget-exhausted':
    case '/problems/overloaded':
      return 'Too busy for now: try again later.'
    default:
      return `${problem.title}. Quote ${problem.instance} to the service's operators.`
  }
}

/** Retry-After in seconds: a number of seconds, as this service sends it, or an HTTP date. */
function retryAfterSeconds (response: Response): number | undefined {
  const value = response.headers.get('Retry-After')
  if (value === null) return undefined
  if (/^\d+$/.test(value)) return Number(value)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000))
}

async function wait (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}
