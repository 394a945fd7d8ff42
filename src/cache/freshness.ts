import type { CacheEntry } from './cache-entry.js'

export interface FreshnessPolicy {
  ttlMs: number
  staleMs: number
}

export type EntryState = 'fresh' | 'stale' | 'expired'

export interface Freshness {
  state: EntryState
  ageSeconds: number
  /** Negative once stale (RFC 9211 §2.7). */
  ttlSeconds: number
}

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

export function retentionMs (policy: FreshnessPolicy): number {
  return policy.ttlMs + policy.staleMs
}
