/**
 * A client of wxpay-cards-bff: one method per route of its OpenAPI document, each giving the answer
 * or the service's problem, typed from openapi/openapi.json (openapi-fetch; no type here is written
 * by hand). `retry` makes a call wait as long as Retry-After says and try again.
 */
import createClient, { type Client } from 'openapi-fetch'
import type { components, operations, paths } from './openapi.js'
import { withRetry, type Outcome, type RetryOptions } from './outcome.js'

export type { Outcome, Problem, ProblemType, RetryOptions } from './outcome.js'
export { retryAfterSeconds } from './outcome.js'
export type { components, operations, paths } from './openapi.js'

export type Card = components['schemas']['Card']
export type CardsPage = components['schemas']['CardsPage']
export type CardsAll = components['schemas']['CardsAll']
export type CardsQuery = operations['listCards']['parameters']['query']
export type CardsAllQuery = operations['listAllCards']['parameters']['query']
export type CardPath = operations['getCard']['parameters']['path']
export type PurgeQuery = operations['purgeCardsCache']['parameters']['query']
export type Liveness = operations['checkLiveness']['responses'][200]['content']['application/json']
export type Readiness = operations['checkReadiness']['responses'][200]['content']['application/json']
/** A 503 from /readyz: the report saying what is not ready, or a problem when the replica sheds load. */
type UnreadyContent = operations['checkReadiness']['responses'][503]['content']
export type Unready = UnreadyContent[keyof UnreadyContent]
/** Sandbox mode only: the WeChat Pay failure to simulate for this one call. */
export type SandboxFault = NonNullable<operations['listCards']['parameters']['header']>['X-Sandbox-Fault']

export interface CardsClientOptions {
  /** Where the service is, e.g. https://cards-bff.internal. */
  baseUrl: string
  /** A token of INTERNAL_API_TOKENS, CALLERS_FILE or (for purging) CACHE_ADMIN_TOKENS, when the service asks for one. */
  token?: string
  /** Retry every call after Retry-After; a call's own `retry` wins. Default: no retry. */
  retry?: RetryOptions
  fetch?: (request: Request) => Promise<Response>
}

export interface CallOptions {
  retry?: RetryOptions
  /** Sandbox mode only (ignored otherwise): docs/api.md lists the problem each gives. */
  sandboxFault?: SandboxFault
  /** Cache-Control: no-cache: a fresh fetch from WeChat Pay, within the caller's NO_CACHE_PER_MINUTE. */
  noCache?: boolean
}

export interface CardsClient {
  /** GET /cards: one page of card templates. */
  listCards: (query: CardsQuery, options?: CallOptions) => Promise<Outcome<CardsPage>>
  /** GET /cards/all: every card template. */
  listAllCards: (query: CardsAllQuery, options?: CallOptions) => Promise<Outcome<CardsAll>>
  /** GET /cards/{card_id}: one card template; an unknown id is a 404 `card-not-found`. */
  getCard: (path: CardPath, options?: CallOptions) => Promise<Outcome<Card>>
  /** DELETE /cards/cache: drops cached pages of an appid, or one template (a purging token). */
  purgeCardsCache: (query: PurgeQuery, options?: Pick<CallOptions, 'retry'>) => Promise<Outcome<null>>
  /** GET /healthz. */
  checkLiveness: () => Promise<Outcome<Liveness>>
  /** GET /readyz: a 503 is the same report, saying what is not ready (or a problem, while the replica sheds load). */
  checkReadiness: () => Promise<Outcome<Readiness, Unready>>
  /** The openapi-fetch client underneath, for anything else (If-None-Match, your own headers). */
  raw: Client<paths>
}

interface Answer<Data, Failure> { data?: Data, error?: Failure, response: Response }

function outcomeOf<Data, Failure> ({ data, error, response }: Answer<Data, Failure>, empty?: Data): Outcome<Data, Failure> {
  const common = { status: response.status, requestId: response.headers.get('X-Request-Id'), response }
  if (response.ok) return { ok: true, data: (data ?? empty) as Data, ...common }
  return { ok: false, problem: error as Failure, ...common }
}

export function createCardsClient (options: CardsClientOptions): CardsClient {
  const raw = createClient<paths>({
    baseUrl: options.baseUrl,
    headers: options.token === undefined ? {} : { Authorization: `Bearer ${options.token}` },
    ...(options.fetch === undefined ? {} : { fetch: options.fetch })
  })
  const retryOf = (call?: { retry?: RetryOptions }): RetryOptions | undefined => call?.retry ?? options.retry
  const headersOf = (call?: CallOptions): { 'X-Sandbox-Fault'?: SandboxFault, 'Cache-Control'?: string } => ({
    ...(call?.sandboxFault === undefined ? {} : { 'X-Sandbox-Fault': call.sandboxFault }),
    ...(call?.noCache === true ? { 'Cache-Control': 'no-cache' } : {})
  })
  return {
    listCards: async (query, call) => await withRetry(async () =>
      outcomeOf(await raw.GET('/cards', { params: { query, header: headersOf(call) } })), retryOf(call)),
    listAllCards: async (query, call) => await withRetry(async () =>
      outcomeOf(await raw.GET('/cards/all', { params: { query, header: headersOf(call) } })), retryOf(call)),
    getCard: async (path, call) => await withRetry(async () =>
      outcomeOf(await raw.GET('/cards/{card_id}', { params: { path, header: headersOf(call) } })), retryOf(call)),
    purgeCardsCache: async (query, call) => await withRetry(async () =>
      outcomeOf<null, components['schemas']['Problem']>(await raw.DELETE('/cards/cache', { params: { query } }), null), retryOf(call)),
    checkLiveness: async () => outcomeOf(await raw.GET('/healthz')),
    checkReadiness: async () => outcomeOf(await raw.GET('/readyz')),
    raw
  }
}
