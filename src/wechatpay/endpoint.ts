import type { ProblemName } from '../problems/registry.js'

/** `group` shares a Redis Cluster slot and purge generations; `scopes` drop it ('' is the whole group). */
export interface CacheKey {
  group: string
  item: string
  scopes: readonly string[]
}

export interface PurgeScope { group: string, scope: string }

export interface PurgeQuery {
  appid?: string | undefined
  brand_id?: string | undefined
  card_id?: string | undefined
}

export interface ErrorAnswer {
  upstreamStatus: number | undefined
  code: string | undefined
  wechatMessage: string | undefined
}

/** Signing, verification, retries, budget, caching and the HTTP answer are the same for every endpoint, elsewhere. */
export interface Endpoint<Q> {
  /** Short and fixed: a metric label. */
  label: string
  /** A span's name, never an id. */
  route: string
  /** This exact string is both signed and sent. */
  target: (query: Q) => string
  checkShape: (body: Buffer, query: Q) => string | undefined
  cacheKey: (query: Q) => CacheKey
  purges: (purge: PurgeQuery) => PurgeScope[]
  problemFor?: (error: ErrorAnswer) => ProblemName | undefined
  /** A loop on a bad id costs one call per this. */
  negativeTtlMs?: number
}
