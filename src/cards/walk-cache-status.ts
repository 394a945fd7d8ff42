import { forwardStatus, hitStatus } from '../cache/cache-status.js'
import type { WalkedPage } from './page-walk.js'

export interface WalkFreshness {
  /** RFC 9211 Cache-Status of the combined answer. */
  cacheStatus: string
  /** The oldest page's age: the combined answer is as old as its oldest part. */
  ageSeconds: number
  /** The least freshness left on any page. */
  maxAgeSeconds: number
  /** How many pages were fresh hits. */
  hits: number
}

/**
 * One Cache-Status for many pages: `hit` (with the smallest ttl) only when every page was a fresh
 * hit; otherwise `fwd=miss` (`fwd=request` after the caller's no-cache) with `detail=pages-<hits>/<n>-hit`.
 * Stale, stale-if-error and collapsed pages are not hits: some part of the answer went upstream or
 * is past its TTL.
 * @see https://www.rfc-editor.org/rfc/rfc9211
 */
export function walkFreshness (pages: readonly WalkedPage[], noCache: boolean): WalkFreshness {
  const hits = pages.filter((page) => page.outcome === 'hit').length
  const maxAgeSeconds = Math.min(...pages.map((page) => page.maxAgeSeconds))
  const ageSeconds = Math.max(...pages.map((page) => page.ageSeconds))
  const cacheStatus = hits === pages.length && !noCache
    ? hitStatus(maxAgeSeconds)
    : forwardStatus(noCache ? 'request' : 'miss', { detail: `pages-${hits}/${pages.length}-hit` })
  return { cacheStatus, ageSeconds, maxAgeSeconds, hits }
}
