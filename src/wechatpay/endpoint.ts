import type { ProblemName } from '../problems/registry.js'

/**
 * Where an endpoint's answer is cached, in names the cache turns into keys (src/redis/keys.ts):
 * `group` shares a Redis Cluster slot and purge generations (an appid, or one name for all of an
 * endpoint's answers), `item` is the answer within it, and `scopes` are the group's purge scopes
 * that drop it ('' is the whole group).
 */
export interface CacheKey {
  group: string
  item: string
  scopes: readonly string[]
}

/** One purge of a DELETE /cards/cache call: a scope of a group ('' for the whole group). */
export interface PurgeScope { group: string, scope: string }

/** DELETE /cards/cache's parameters, as every endpoint reads them. */
export interface PurgeQuery {
  appid?: string | undefined
  brand_id?: string | undefined
  card_id?: string | undefined
}

/** What a WeChat Pay error answer said, for an endpoint that gives some a meaning of its own. */
export interface ErrorAnswer {
  upstreamStatus: number | undefined
  code: string | undefined
  wechatMessage: string | undefined
}

/**
 * One WeChat Pay business endpoint, declared whole by its module in endpoints/: the request target
 * that is signed and sent, the light check a verified answer must pass, where its answers are
 * cached and what a purge drops, and the problems it adds. Signing, verification, deadline, retries,
 * budget, caching and the HTTP answer are the same for every endpoint, elsewhere.
 */
export interface Endpoint<Q> {
  /** Names the endpoint in metrics and spans: short and fixed. */
  label: string
  /** The upstream path with its parameters as names, e.g. `/v3/…/cards/{card_id}`: a span's name, never an id. */
  route: string
  /** Path and query, built once and encoded once: this exact string is both signed and sent. */
  target: (query: Q) => string
  /** What is wrong with a verified 2xx body for this query, or undefined when it may be served. */
  checkShape: (body: Buffer, query: Q) => string | undefined
  cacheKey: (query: Q) => CacheKey
  /** What a purge with these parameters drops of this endpoint's answers. */
  purges: (purge: PurgeQuery) => PurgeScope[]
  /** The problem an error answer is for this endpoint, when not the general one (an unknown id). */
  problemFor?: (error: ErrorAnswer) => ProblemName | undefined
  /** How long an answer mapped by problemFor is remembered: a loop on a bad id costs one call per this. */
  negativeTtlMs?: number
}
