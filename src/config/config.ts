import type { KeyObject } from 'node:crypto'
import { loadKeys, type KeySources } from './keys.js'
import { createConfigReader, type ConfigReader } from './reader.js'
import { readRedisSettings, type RedisSettings } from './redis.js'
import { SANDBOX_ENVS } from './variables/server.js'
import { DEFAULT_BACKUP_BASE_URL, DEFAULT_BASE_URL } from './variables/wechatpay.js'

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

export interface ServerConfig {
  host: string
  port: number
  logLevel: string
  nodeEnv: string
  /** Fastify's trustProxy: which proxies' X-Forwarded-For to believe for the caller's address. */
  trustProxy: boolean | number | string
  shutdownGraceMs: number
}

export interface WechatpayConfig {
  /** True when no WECHATPAY_MCHID is set outside production: the embedded simulator stands in for WeChat Pay. */
  sandbox: boolean
  /** Undefined in sandbox mode, where the simulator generates credentials at start-up. */
  credentials: WechatpayCredentials | undefined
  baseUrl: string
  /** Tried after connection failures of the primary; undefined: no failover. */
  backupBaseUrl: string | undefined
  timeoutMs: number
  connectTimeoutMs: number
  maxConnections: number
  /** Platform-certificate mode: hours between downloads of /v3/certificates. */
  certRefreshHours: number
  /** The merchant's WeChat Pay quota, enforced across the fleet. */
  upstreamMaxRps: number
  /** Most cards GET /cards/all returns; longer lists must be paged with /cards. */
  cardsAllMax: number
}

export interface ProtectionConfig {
  /** Bearer tokens callers must present on /cards routes; empty: no authentication. */
  apiTokens: string[]
  /** Per-caller requests per minute; undefined: no per-caller limit. */
  rateLimitPerMinute: number | undefined
  maxEventLoopDelayMs: number
  maxHeapUsedBytes: number
  maxRssBytes: number
}

export interface CacheConfig {
  ttlSeconds: number
  staleSeconds: number
  maxEntries: number
  maxBytes: number
  /** With Redis: how long a replica answers a hot page from its own memory; 0 turns the layer off. */
  localTtlMs: number
}

export interface RedisConfig {
  /** Undefined: pages are cached in process memory instead of Redis. */
  settings: RedisSettings | undefined
  commandTimeoutMs: number
}

/** The whole configuration, in the slices the plugins take: each plugin gets only its own. */
export interface Config {
  server: ServerConfig
  wechatpay: WechatpayConfig
  protection: ProtectionConfig
  cache: CacheConfig
  redis: RedisConfig
}

export class ConfigError extends Error {
  readonly problems: string[]
  constructor (problems: string[]) {
    super('Invalid configuration:\n' + problems.map((p) => `  - ${p}`).join('\n'))
    this.name = 'ConfigError'
    this.problems = problems
  }
}

/**
 * Reads and checks every variable once. All problems are collected and reported together,
 * so an operator fixes a broken deployment in one round instead of one variable per restart.
 */
export function loadConfig (env: NodeJS.ProcessEnv = process.env): Config {
  const read = createConfigReader(env)
  const nodeEnv = read.string('NODE_ENV')
  const mchid = read.optional('WECHATPAY_MCHID')
  // Fail closed: a typo such as NODE_ENV=prod must not quietly serve demo cards.
  const sandbox = mchid === undefined && SANDBOX_ENVS.includes(nodeEnv)

  const config: Config = {
    server: {
      // Sandbox mode is for one developer's machine; a deployment listens on every interface.
      host: read.string('HOST', sandbox ? '127.0.0.1' : undefined),
      port: read.integer('PORT'),
      logLevel: read.choice('LOG_LEVEL'),
      nodeEnv,
      trustProxy: parseTrustProxy(read.optional('TRUST_PROXY')),
      shutdownGraceMs: read.integer('SHUTDOWN_GRACE_MS')
    },
    wechatpay: readWechatpay(read, nodeEnv, sandbox),
    protection: {
      apiTokens: read.list('INTERNAL_API_TOKENS'),
      rateLimitPerMinute: read.optionalInteger('RATE_LIMIT_PER_MINUTE'),
      maxEventLoopDelayMs: read.integer('UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS'),
      maxHeapUsedBytes: read.integer('UNDER_PRESSURE_MAX_HEAP_USED_BYTES'),
      maxRssBytes: read.integer('UNDER_PRESSURE_MAX_RSS_BYTES')
    },
    cache: {
      ttlSeconds: read.integer('CACHE_TTL_SECONDS'),
      staleSeconds: read.integer('CACHE_STALE_SECONDS'),
      maxEntries: read.integer('CACHE_MAX_ENTRIES'),
      maxBytes: read.integer('CACHE_MAX_BYTES'),
      localTtlMs: read.integer('CACHE_LOCAL_TTL_MS')
    },
    redis: {
      settings: readRedisSettings(read),
      commandTimeoutMs: read.integer('REDIS_COMMAND_TIMEOUT_MS')
    }
  }
  if (config.protection.apiTokens.some((token) => token.length < 16)) {
    read.problem('INTERNAL_API_TOKENS: every token must be at least 16 characters (a guessable token is no protection)')
  }
  if (!sandbox) config.wechatpay.credentials = readCredentials(read, mchid, nodeEnv)

  read.finish((problems) => { throw new ConfigError(problems) })
  for (const slice of Object.values(config)) Object.freeze(slice)
  return Object.freeze(config)
}

function readWechatpay (read: ConfigReader, nodeEnv: string, sandbox: boolean): WechatpayConfig {
  const protocols = nodeEnv === 'production' ? ['https:'] : undefined
  const baseUrl = read.origin('WECHATPAY_BASE_URL', protocols) ?? DEFAULT_BASE_URL
  const backup = read.origin('WECHATPAY_BACKUP_BASE_URL', protocols)
  return {
    sandbox,
    credentials: undefined,
    baseUrl,
    backupBaseUrl: backup ?? (baseUrl === DEFAULT_BASE_URL ? DEFAULT_BACKUP_BASE_URL : undefined),
    timeoutMs: read.integer('WECHATPAY_TIMEOUT_MS'),
    connectTimeoutMs: read.integer('WECHATPAY_CONNECT_TIMEOUT_MS'),
    maxConnections: read.integer('WECHATPAY_MAX_CONNECTIONS'),
    certRefreshHours: read.integer('WECHATPAY_CERT_REFRESH_HOURS'),
    upstreamMaxRps: read.integer('UPSTREAM_MAX_RPS'),
    cardsAllMax: read.integer('CARDS_ALL_MAX')
  }
}

function readCredentials (read: ConfigReader, mchid: string | undefined, nodeEnv: string): WechatpayCredentials | undefined {
  if (mchid === undefined) {
    read.problem(`WECHATPAY_MCHID is required when NODE_ENV=${nodeEnv} ` +
      `(sandbox mode runs only when NODE_ENV is ${SANDBOX_ENVS.join(' or ')})`)
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
  if (mchid === undefined || serial === undefined || keys === undefined) return undefined
  return hideSecrets({ mchid, merchantSerialNo: serial.toUpperCase(), ...keys })
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
