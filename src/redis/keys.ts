import type { PageKeys } from '../cache/page-store.js'
import type { CardsQuery } from '../wechatpay/endpoints/cards.js'

/**
 * Bump whenever the layout or the entry format changes: new code then never reads old entries,
 * which simply expire.
 */
export const KEY_VERSION = 'v1'
const PREFIX = `wxcards:${KEY_VERSION}`

// encodeURIComponent keeps ':', '{' and '}' out of the brand part, so no brand_id can forge
// another key or hash tag. appid is [A-Za-z0-9_] by validation.
const brandPart = (brand: string | undefined): string => (brand === undefined ? '~' : encodeURIComponent(brand))
const appidTag = (mchid: string, appid: string): string => `${PREFIX}:{${mchid}:${appid}}`
const merchantTag = (mchid: string): string => `${PREFIX}:{${mchid}}`

/**
 * Every Redis key and channel of the service, in one map. Every key of one appid shares the hash
 * tag {<mchid>:<appid>}, and the merchant-wide keys the tag {<mchid>}, so a Redis Cluster keeps
 * each group in one slot and one MGET, transaction or script can touch it.
 *
 *   wxcards:v1:{mchid:appid}:page:<brand|~>:<offset>:<limit>   a verified page (binary frame)
 *   wxcards:v1:{mchid:appid}:gen, …:gen:<brand|~>              purge generations of the appid / one brand filter
 *   wxcards:v1:{mchid:appid}:lock:<brand|~>:<offset>:<limit>   fleet fill lock of one page
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
  /** Normalized: the same four values give the same keys however the caller spelled the query. */
  cardsPage (mchid: string, query: CardsQuery): PageKeys {
    const tag = appidTag(mchid, query.appid)
    const page = `${brandPart(query.brand_id)}:${query.offset}:${query.limit}`
    return {
      page: `${tag}:page:${page}`,
      lock: `${tag}:lock:${page}`,
      generations: [`${tag}:gen`, `${tag}:gen:${brandPart(query.brand_id)}`]
    }
  },
  /** The generations a purge bumps: the appid's, or one brand's plus the unfiltered pages'. */
  cardsPurge (mchid: string, appid: string, brand: string | undefined): string[] {
    const tag = appidTag(mchid, appid)
    return brand === undefined ? [`${tag}:gen`] : [`${tag}:gen:${brandPart(brand)}`, `${tag}:gen:~`]
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
