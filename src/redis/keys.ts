import type { PageKeys } from '../cache/page-store.js'
import type { CacheKey, PurgeScope } from '../wechatpay/endpoint.js'

/** Bump whenever the layout or the entry format changes: old entries are then never read, and expire. */
export const KEY_VERSION = 'v1'
const PREFIX = `wxcards:${KEY_VERSION}`

// An endpoint's group is an appid ([A-Za-z0-9_]) or a name of its own with a character no appid has.
const groupTag = (mchid: string, group: string): string => `${PREFIX}:{${mchid}:${group}}`
const generationKey = (tag: string, scope: string): string => (scope === '' ? `${tag}:gen` : `${tag}:gen:${scope}`)
const merchantTag = (mchid: string): string => `${PREFIX}:{${mchid}}`

/**
 * Every key of one cache group shares the hash tag {<mchid>:<group>}, and merchant-wide keys {<mchid>}, so a
 * Redis Cluster keeps each group in one slot and one MGET, transaction or script can touch it.
 */
export const REDIS_KEYS = Object.freeze({
  page (mchid: string, key: CacheKey): PageKeys {
    const tag = groupTag(mchid, key.group)
    return {
      page: `${tag}:page:${key.item}`,
      lock: `${tag}:lock:${key.item}`,
      generations: key.scopes.map((scope) => generationKey(tag, scope))
    }
  },
  purge (mchid: string, { group, scope }: PurgeScope): string {
    return generationKey(groupTag(mchid, group), scope)
  },
  /** One budget per merchant: WeChat Pay's quota is per merchant, whatever the appid. */
  budget: (mchid: string): string => `${merchantTag(mchid)}:budget`,
  /**
   * The claims (SET NX PX: one routine download, and one for an unknown serial, per minute for the
   * fleet) and the list as WeChat Pay sent it.
   */
  certificates: (mchid: string): { claim: string, unknownSerialClaim: string, listing: string } => ({
    claim: `${merchantTag(mchid)}:certs-refresh`,
    unknownSerialClaim: `${merchantTag(mchid)}:certs-unknown-serial`,
    listing: `${merchantTag(mchid)}:certs`
  }),
  // Per merchant, so deployments sharing a Redis never share a caller's counters; no hash tag, so
  // the callers' keys spread over a Cluster's slots.
  rateLimitPrefix: (mchid: string): string => `${PREFIX}:ratelimit:${mchid}:`,
  noCachePrefix: (mchid: string): string => `${PREFIX}:nocache:${mchid}:`,
  authFailuresPrefix: (mchid: string): string => `${PREFIX}:authfail:${mchid}:`,
  /** Beside the merchant's budget, in its slot, so one script could take both turns. */
  callerShare: (mchid: string, caller: string): string => `${merchantTag(mchid)}:share:${caller}`,
  fillChannel: `${PREFIX}:fill`,
  purgeChannel: `${PREFIX}:purge`
})
