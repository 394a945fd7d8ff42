import type { VariableSpec } from './variable.js'

export const DEFAULT_BASE_URL = 'https://api.mch.weixin.qq.com'
/** WeChat Pay's other access point ("访问异地的接入点", docs/wechatpay-protocol.md §4). */
export const DEFAULT_BACKUP_BASE_URL = 'https://api2.mch.weixin.qq.com'
const BASE_URL_PROTOCOLS = ['http:', 'https:']
/**
 * WeChat Pay's largest page of card templates (查询会员卡模板列表: limit 最大20, docs/wechatpay-protocol.md §0):
 * here, beside the settings whose limits follow from it (CARDS_ALL_MAX's pages, the longest request),
 * so the configuration reads no part of the protocol code; the cards endpoint takes it from here.
 */
export const CARDS_PAGE_MAX = 20
/**
 * `GET /cards/all` calls one caller may run at once on a replica: a caller gets a list's worth of
 * memory twice over, and one caller cannot take every one of CARDS_ALL_CONCURRENCY's places.
 */
export const CARDS_ALL_PER_CALLER = 2

export const WECHATPAY_VARIABLES = {
  WECHATPAY_MCHID: {
    section: 'wechatpay',
    kind: 'string',
    defaultText: '— (sandbox mode)',
    meaning: 'Merchant ID (商户号), its digits, e.g. `1900009191`. Setting it switches sandbox mode off.'
  },
  WECHATPAY_MERCHANT_SERIAL_NO: {
    section: 'wechatpay', kind: 'string', meaning: 'Serial number of the merchant API certificate (商户API证书序列号), hex.'
  },
  WECHATPAY_PRIVATE_KEY_FILE: {
    section: 'wechatpay',
    kind: 'string',
    example: '/run/secrets/apiclient_key.pem',
    meaning: 'Path to the merchant API private key, `apiclient_key.pem` (PKCS#8, RSA 2048). Start-up warns when other ' +
      'users may read it: any user, or a group that is not one of the service\'s own.'
  },
  WECHATPAY_PRIVATE_KEY: {
    section: 'wechatpay', kind: 'string', meaning: 'The same key inline as PEM (literal `\\n` allowed); instead of the `_FILE` variable.'
  },
  WECHATPAY_PUBLIC_KEY_ID: {
    section: 'wechatpay',
    kind: 'string',
    meaning: 'Public-key mode: WeChat Pay public key ID, `PUB_KEY_ID_…` (微信支付公钥ID). Sent as `Wechatpay-Serial`.'
  },
  WECHATPAY_PUBLIC_KEY_FILE: {
    section: 'wechatpay',
    kind: 'string',
    example: '/run/secrets/pub_key.pem',
    meaning: 'Path to the WeChat Pay public key, `pub_key.pem`, that verifies answers.'
  },
  WECHATPAY_PUBLIC_KEY: {
    section: 'wechatpay', kind: 'string', meaning: 'The same key inline as PEM; instead of the `_FILE` variable.'
  },
  WECHATPAY_APIV3_KEY: {
    section: 'wechatpay',
    kind: 'string',
    meaning: 'Platform-certificate mode: the APIv3 key (APIv3密钥, exactly 32 bytes) that decrypts WeChat Pay\'s platform certificates. ' +
      'Set it, the public key, or both; see [key modes](key-modes.md).'
  },
  WECHATPAY_APPIDS: {
    section: 'wechatpay',
    kind: 'list',
    defaultText: '— (any appid)',
    meaning: 'Comma-separated appids of the merchant: any other `appid` is refused with a `400` problem and costs no call ' +
      'to WeChat Pay.'
  },
  WECHATPAY_CERT_REFRESH_HOURS: {
    section: 'wechatpay',
    kind: 'integer',
    default: 12,
    min: 1,
    max: 168,
    meaning: 'Platform-certificate mode: hours between downloads of `/v3/certificates`. ' +
      'An answer naming an unknown serial also triggers one.'
  },
  WECHATPAY_BASE_URL: {
    section: 'wechatpay',
    kind: 'url',
    default: DEFAULT_BASE_URL,
    protocols: BASE_URL_PROTOCOLS,
    meaning: 'WeChat Pay API origin (`scheme://host[:port]`, no path and no user name or password).'
  },
  WECHATPAY_BACKUP_BASE_URL: {
    section: 'wechatpay',
    kind: 'url',
    protocols: BASE_URL_PROTOCOLS,
    defaultText: `\`${DEFAULT_BACKUP_BASE_URL}\` when the base URL is the default, else none`,
    meaning: 'Host tried after connection failures (DNS, refused, reset, TLS) of the primary.'
  },
  WECHATPAY_TIMEOUT_MS: {
    section: 'wechatpay',
    kind: 'integer',
    default: 5000,
    min: 100,
    max: 60_000,
    meaning: 'Deadline for one whole call to WeChat Pay, retries included; past it, a stale page or a 504 problem. ' +
      'One attempt may use half of it (at least 1 s).'
  },
  WECHATPAY_CONNECT_TIMEOUT_MS: {
    section: 'wechatpay', kind: 'integer', default: 2000, min: 50, max: 30_000, meaning: 'Connect timeout of one attempt.'
  },
  WECHATPAY_MAX_CONNECTIONS: {
    section: 'wechatpay',
    kind: 'integer',
    default: 16,
    min: 1,
    max: 1024,
    meaning: 'Most connections per WeChat Pay host (idle ones close after 4 s, under WeChat Pay\'s 8 s keep-alive).'
  },
  UPSTREAM_MAX_RPS: {
    section: 'wechatpay',
    kind: 'integer',
    default: 5,
    min: 1,
    max: 10_000,
    meaning: 'The merchant\'s WeChat Pay quota in requests per second, for the whole fleet ' +
      '(through Redis; per process while Redis is away).'
  },
  UPSTREAM_CALLER_SHARE: {
    section: 'wechatpay',
    kind: 'number',
    default: 0.5,
    min: 0.01,
    max: 1,
    meaning: 'The largest fraction of `UPSTREAM_MAX_RPS` one caller may spend, fleet-wide like the budget: past it the caller ' +
      'gets its cached copy if there is one, else a `429` (`upstream-share-exceeded`), while other callers keep their calls. ' +
      '`1` turns it off.'
  },
  CARDS_ALL_MAX: {
    section: 'wechatpay',
    kind: 'integer',
    default: 1000,
    min: 1,
    max: 10_000,
    // 1000 cards are 50 pages: 10 s of a 5/s quota when nothing is cached.
    meaning: 'Most cards `GET /cards/all` returns; longer lists get a `422` telling the caller to page with `/cards`.'
  },
  CARDS_ALL_CONCURRENCY: {
    section: 'wechatpay',
    kind: 'integer',
    default: 4,
    min: 1,
    max: 1000,
    // Each walk holds its pages and the combined list (about 2 MB for 1000 cards) until its answer is sent.
    meaning: '`GET /cards/all` calls a replica runs at once; past it, a `503` problem (`/problems/walks-busy`) with `Retry-After`. ' +
      `Each caller may run at most ${CARDS_ALL_PER_CALLER} at once on a replica; one more gets a \`429\` (\`/problems/too-many-walks\`).`
  }
} as const satisfies Record<string, VariableSpec>
