import { forwardStatus, hitStatus } from '../cache/cache-status.js'
import type { WalkedPage } from './page-walk.js'

export interface WalkFreshness {
  cacheStatus: string
  ageSeconds: number
  maxAgeSeconds: number
  hits: number
}

/**
 * Stale, stale-if-error and collapsed pages are not hits: some part went upstream or is past its TTL.
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
