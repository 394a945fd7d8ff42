import type { KeyObject } from 'node:crypto'
import { loadKeys, type KeySources } from './config-keys.js'
import { createConfigReader } from './config-reader.js'
import { readRedisSettings, type RedisSettings } from './config-redis.js'

export const DEFAULT_BASE_URL = 'https://api.mch.weixin.qq.com'
/** WeChat Pay's other access point ("访问异地的接入点", reference §4). */
export const DEFAULT_BACKUP_BASE_URL = 'https://api2.mch.weixin.qq.com'

/**
 * Merchant credentials and the keys that verify WeChat Pay: the public key, the APIv3 key that
 * unlocks platform certificates, or both during WeChat Pay's migration. Never logged: see `toJSON`.
 */
export interface WechatpayCredentials {
  mchid: string
  merchantSerialNo: string
  privateKey: KeyObject
  /** Public-key mode: set together with `publicKey`. */
  publicKeyId: string | undefined
  publicKey: KeyObject | undefined
  /** Platform-certificate mode: the 32-byte APIv3 key that decrypts /v3/certificates. */
  apiv3Key: Buffer | undefined
}

export interface Config {
  host: string
  port: number
  logLevel: string
  nodeEnv: string
  /** True when no WECHATPAY_MCHID is set outside production: the embedded simulator stands in for WeChat Pay. */
  sandbox: boolean
  /** Undefined in sandbox mode, where the simulator generates credentials at start-up. */
  credentials: WechatpayCredentials | undefined
  baseUrl: string
  /** Tried after connection failures of the primary; undefined: no failover. */
  backupBaseUrl: string | undefined
  timeoutMs: number
  /** Platform-certificate mode: hours between downloads of /v3/certificates. */
  certRefreshHours: number
  connectTimeoutMs: number
  maxConnections: number
  /** The merchant's WeChat Pay quota, enforced across the fleet. */
  upstreamMaxRps: number
  /** Bearer tokens callers must present on /cards routes; empty: no authentication. */
  apiTokens: string[]
  /** Per-caller requests per minute; undefined: no per-caller limit. */
  rateLimitPerMinute: number | undefined
  /** Fastify's trustProxy: which proxies' X-Forwarded-For to believe for the caller's address. */
  trustProxy: boolean | number | string
  maxEventLoopDelayMs: number
  maxHeapUsedBytes: number
  maxRssBytes: number
  shutdownGraceMs: number
  /** Undefined: pages are cached in process memory instead of Redis. */
  redis: RedisSettings | undefined
  redisCommandTimeoutMs: number
  cacheTtlSeconds: number
  cacheStaleSeconds: number
  cacheMaxEntries: number
  cacheMaxBytes: number
  /** With Redis: how long a replica answers a hot page from its own memory; 0 turns the layer off. */
  cacheLocalTtlMs: number
  /** Most cards GET /cards/all returns; longer lists must be paged with /cards. */
  cardsAllMax: number
}

export class ConfigError extends Error {
  readonly problems: string[]
  constructor (problems: string[]) {
    super('Invalid configuration:\n' + problems.map((p) => `  - ${p}`).join('\n'))
    this.name = 'ConfigError'
    this.problems = problems
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
const SANDBOX_ENVS = ['development', 'test']

/**
 * Reads and checks every variable once. All problems are collected and reported together,
 * so an operator fixes a broken deployment in one round instead of one variable per restart.
 */
export function loadConfig (env: NodeJS.ProcessEnv = process.env): Config {
  const read = createConfigReader(env)
  const nodeEnv = read.string('NODE_ENV', 'development')
  const mchid = read.optional('WECHATPAY_MCHID')
  // Fail closed: a typo such as NODE_ENV=prod must not quietly serve demo cards.
  const sandbox = mchid === undefined && SANDBOX_ENVS.includes(nodeEnv)

  const config: Config = {
    // Sandbox mode is for one developer's machine; a deployment listens on every interface.
    host: read.string('HOST', sandbox ? '127.0.0.1' : '0.0.0.0'),
    port: read.integer('PORT', 3000, { min: 0, max: 65535 }),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    nodeEnv,
    sandbox,
    credentials: undefined,
    baseUrl: read.origin('WECHATPAY_BASE_URL', DEFAULT_BASE_URL, nodeEnv === 'production' ? ['https:'] : ['http:', 'https:']),
    backupBaseUrl: undefined,
    timeoutMs: read.integer('WECHATPAY_TIMEOUT_MS', 5000, { min: 100, max: 60_000 }),
    certRefreshHours: read.integer('WECHATPAY_CERT_REFRESH_HOURS', 12, { min: 1, max: 168 }),
    connectTimeoutMs: read.integer('WECHATPAY_CONNECT_TIMEOUT_MS', 2000, { min: 50, max: 30_000 }),
    maxConnections: read.integer('WECHATPAY_MAX_CONNECTIONS', 16, { min: 1, max: 1024 }),
    upstreamMaxRps: read.integer('UPSTREAM_MAX_RPS', 5, { min: 1, max: 10_000 }),
    apiTokens: read.list('INTERNAL_API_TOKENS'),
    rateLimitPerMinute: read.optionalInteger('RATE_LIMIT_PER_MINUTE', { min: 1, max: 1_000_000 }),
    trustProxy: parseTrustProxy(read.optional('TRUST_PROXY')),
    maxEventLoopDelayMs: read.integer('UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS', 1000, { min: 0, max: 60_000 }),
    maxHeapUsedBytes: read.integer('UNDER_PRESSURE_MAX_HEAP_USED_BYTES', 0, { min: 0, max: 2 ** 45 }),
    maxRssBytes: read.integer('UNDER_PRESSURE_MAX_RSS_BYTES', 0, { min: 0, max: 2 ** 45 }),
    shutdownGraceMs: read.integer('SHUTDOWN_GRACE_MS', 10_000, { min: 0, max: 600_000 }),
    redis: readRedisSettings(read),
    redisCommandTimeoutMs: read.integer('REDIS_COMMAND_TIMEOUT_MS', 150, { min: 10, max: 5_000 }),
    cacheTtlSeconds: read.integer('CACHE_TTL_SECONDS', 60, { min: 1, max: 86_400 }),
    cacheStaleSeconds: read.integer('CACHE_STALE_SECONDS', 300, { min: 0, max: 86_400 }),
    cacheMaxEntries: read.integer('CACHE_MAX_ENTRIES', 10_000, { min: 1, max: 10_000_000 }),
    cacheMaxBytes: read.integer('CACHE_MAX_BYTES', 64 * 1024 * 1024, { min: 1024 * 1024, max: 64 * 1024 * 1024 * 1024 }),
    cacheLocalTtlMs: read.integer('CACHE_LOCAL_TTL_MS', 1000, { min: 0, max: 60_000 }),
    // 1000 cards are 50 pages: 10 s of a 5/s quota when nothing is cached.
    cardsAllMax: read.integer('CARDS_ALL_MAX', 1000, { min: 1, max: 10_000 })
  }

  const backup = read.optional('WECHATPAY_BACKUP_BASE_URL')
  config.backupBaseUrl = backup === undefined
    ? (config.baseUrl === DEFAULT_BASE_URL ? DEFAULT_BACKUP_BASE_URL : undefined)
    : read.origin('WECHATPAY_BACKUP_BASE_URL', DEFAULT_BACKUP_BASE_URL, nodeEnv === 'production' ? ['https:'] : ['http:', 'https:'])
  if (config.apiTokens.some((token) => token.length < 16)) {
    read.problem('INTERNAL_API_TOKENS: every token must be at least 16 characters (a guessable token is no protection)')
  }

  if (!sandbox) {
    if (mchid === undefined) {
      read.problem(`WECHATPAY_MCHID is required when NODE_ENV=${nodeEnv} (sandbox mode runs only when NODE_ENV is ${SANDBOX_ENVS.join(' or ')})`)
    } else if (!/^[0-9A-Za-z]{1,32}$/.test(mchid)) {
      read.problem('WECHATPAY_MCHID must be 1-32 letters or digits')
    }
    const serial = read.required('WECHATPAY_MERCHANT_SERIAL_NO')
    if (serial !== undefined && !/^[0-9A-Fa-f]{8,40}$/.test(serial)) {
      read.problem('WECHATPAY_MERCHANT_SERIAL_NO must be the merchant API certificate serial in hex (8-40 characters)')
    }
    const sources: KeySources = {
      privateKeyFile: read.optional('WECHATPAY_PRIVATE_KEY_FILE'),
      privateKeyPem: read.optional('WECHATPAY_PRIVATE_KEY'),
      publicKeyId: read.optional('WECHATPAY_PUBLIC_KEY_ID'),
      publicKeyFile: read.optional('WECHATPAY_PUBLIC_KEY_FILE'),
      publicKeyPem: read.optional('WECHATPAY_PUBLIC_KEY'),
      apiv3Key: read.optional('WECHATPAY_APIV3_KEY')
    }
    const keys = loadKeys(sources, read.problem)
    if (mchid !== undefined && serial !== undefined && keys !== undefined) {
      config.credentials = hideSecrets({ mchid, merchantSerialNo: serial.toUpperCase(), ...keys })
    }
  }

  read.finish((problems) => { throw new ConfigError(problems) })
  return Object.freeze(config)
}

/** Keeps key material out of logs and JSON dumps even if someone logs the whole config. */
function hideSecrets (credentials: WechatpayCredentials): WechatpayCredentials {
  return Object.defineProperty(credentials, 'toJSON', {
    enumerable: false,
    value: () => ({ mchid: credentials.mchid, merchantSerialNo: credentials.merchantSerialNo, publicKeyId: credentials.publicKeyId })
  })
}

/**
 * TRUST_PROXY: unset or `false` (the caller's address is the socket's), `true` (trust every proxy),
 * a number of hops, or a comma-separated list of proxy addresses or CIDRs, as Fastify takes them.
 */
function parseTrustProxy (value: string | undefined): boolean | number | string {
  if (value === undefined || value === 'false') return false
  if (value === 'true') return true
  if (/^\d+$/.test(value)) return Number(value)
  return value
}
