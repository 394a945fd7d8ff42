import type { PageKeys } from '../cache/page-store.js'
import type { CacheKey, PurgeScope } from '../wechatpay/endpoint.js'

/**
 * Bump whenever the layout or the entry format changes: new code then never reads old entries,
 * which simply expire.
 */
export const KEY_VERSION = 'v1'
const PREFIX = `wxcards:${KEY_VERSION}`

// An endpoint's group is an appid ([A-Za-z0-9_]) or a name of its own with a character no appid has.
const groupTag = (mchid: string, group: string): string => `${PREFIX}:{${mchid}:${group}}`
const generationKey = (tag: string, scope: string): string => (scope === '' ? `${tag}:gen` : `${tag}:gen:${scope}`)
const merchantTag = (mchid: string): string => `${PREFIX}:{${mchid}}`

/**
 * Every Redis key and channel of the service, in one map. Every key of one cache group (an appid's
 * pages, say: the endpoint names its groups, src/wechatpay/endpoints/) shares the hash tag
 * {<mchid>:<group>}, and the merchant-wide keys the tag {<mchid>}, so a Redis Cluster keeps each
 * group in one slot and one MGET, transaction or script can touch it.
 *
 *   wxcards:v1:{mchid:group}:page:<item>                        a verified answer (binary frame), e.g. <brand|~>:<offset>:<limit>
 *   wxcards:v1:{mchid:group}:gen, …:gen:<scope>                 purge generations of the group / one scope of it
 *   wxcards:v1:{mchid:group}:lock:<item>                        fleet fill lock of one answer
 *   wxcards:v1:{mchid}:budget                                  the merchant's upstream budget (GCRA)
 *   wxcards:v1:{mchid}:certs-refresh, …:certs                  certificate refresh claim, the last list downloaded
 *   wxcards:v1:{mchid}:certs-unknown-serial                    claim on the minute's download for an unknown serial
 *   wxcards:v1:ratelimit:<mchid>:<METHOD><route>-<caller>      per-caller counters of one route
 *   wxcards:v1:nocache:<mchid>:<caller>                        per-caller count of no-cache requests and purges
 *   wxcards:v1:authfail:<mchid>:ip:<address>                   per-address count of failed authentications
 *   wxcards:v1:{mchid}:share:<caller>                          one caller's share of the upstream budget (GCRA)
 *   wxcards:v1:fill, wxcards:v1:purge                          pub/sub channels announcing fills and purges
 */
export const REDIS_KEYS = Object.freeze({
  /** An endpoint's answer: the same keys for the same query however the caller spelled it. */
  page (mchid: string, key: CacheKey): PageKeys {
    const tag = groupTag(mchid, key.group)
    return {
      page: `${tag}:page:${key.item}`,
      lock: `${tag}:lock:${key.item}`,
      generations: key.scopes.map((scope) => generationKey(tag, scope))
    }
  },
  /** The generations one purge scope bumps: one key, in its group's slot. */
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
  /** Purges, announced so every replica drops its in-process copies at once. */
  purgeChannel: `${PREFIX}:purge`
})
