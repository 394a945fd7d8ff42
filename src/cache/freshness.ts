import type { CacheEntry } from './cache-entry.js'

export interface FreshnessPolicy {
  ttlMs: number
  staleMs: number
}

export type EntryState = 'fresh' | 'stale' | 'expired'

export interface Freshness {
  state: EntryState
  /** Whole seconds since the page was stored (the Age header). */
  ageSeconds: number
  /** Whole seconds of freshness left; negative once stale (Cache-Status ttl, RFC 9211 §2.7). */
  ttlSeconds: number
}

/**
 * Fresh for ttl, then stale for stale more (served while one refresh runs, or when WeChat Pay
 * fails), then gone. Plain arithmetic on an injected clock, so it is unit-tested without Redis.
 */
export function freshness (entry: Pick<CacheEntry, 'storedAt'>, now: number, policy: FreshnessPolicy): Freshness {
  const ageMs = Math.max(0, now - entry.storedAt)
  const state: EntryState = ageMs < policy.ttlMs ? 'fresh' : ageMs < policy.ttlMs + policy.staleMs ? 'stale' : 'expired'
  return {
    state,
    ageSeconds: Math.floor(ageMs / 1000),
    // Rounded towards "less fresh" so max-age never promises more than is left.
    ttlSeconds: Math.floor((policy.ttlMs - ageMs) / 1000)
  }
}

/** How long the store keeps an entry: freshness plus the stale window, after which it is gone. */
export function retentionMs (policy: FreshnessPolicy): number {
  return policy.ttlMs + policy.staleMs
}
