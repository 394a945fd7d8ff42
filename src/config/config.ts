import type { KeyObject } from 'node:crypto'
import { readTokens, warnWhenOpen } from './caller-tokens.js'
import { readCallersFile, type CallersFile } from './callers.js'
import { readCorsOrigins } from './cors.js'
import { loadKeys, type KeySources } from './keys.js'
import { lookalikeWarnings } from './lookalike-variables.js'
import { DEVELOPMENT_ENVS, productionRules } from './node-env.js'
import { createConfigReader, type ConfigReader } from './reader.js'
import { readRedisSettings, type RedisSettings } from './redis.js'
import { readTrustProxy } from './trust-proxy.js'
import type { OTLP_PROTOCOLS } from './variables/tracing.js'
import { CARDS_PAGE_MAX, DEFAULT_BACKUP_BASE_URL, DEFAULT_BASE_URL } from './variables/wechatpay.js'

const APPID = /^[A-Za-z0-9_]{1,32}$/
/** WeChat Pay's merchant numbers (商户号) are digits, e.g. 1900009191; the API takes up to 32. */
const MCHID = /^[0-9]{1,32}$/

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
  /** How long a request may take to arrive. */
  requestTimeoutMs: number
  /** How long a connection may stay silent: above the longest legitimate request. */
  socketTimeoutMs: number
  maxConnections: number
  docsEnabled: boolean
  /** Origins whose pages may call from a browser; empty: CORS is off and no answer carries its headers. */
  corsOrigins: string[]
  /** A listener of its own for /metrics; undefined: /metrics is served on the service's port. */
  metrics: { host: string, port: number } | undefined
  shutdownGraceMs: number
}

export interface WechatpayConfig {
  /** True when no WECHATPAY_MCHID is set under development rules: the embedded simulator stands in for WeChat Pay. */
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
  /** The largest fraction of that quota one caller may spend. */
  upstreamCallerShare: number
  /** Most cards GET /cards/all returns; longer lists must be paged with /cards. */
  cardsAllMax: number
  /** GET /cards/all calls this replica runs at once. */
  cardsAllConcurrency: number
  /** The merchant's appids; empty: any appid may be asked for. */
  appids: string[]
}

export interface ProtectionConfig {
  /** Bearer tokens callers must present on /cards routes; empty: no authentication. */
  apiTokens: string[]
  /** Bearer tokens that may purge the cache, besides apiTokens; with neither, purge is refused. */
  adminTokens: string[]
  /** CALLERS_FILE: named callers, re-read while the service runs; undefined: none. */
  callersFile: CallersFile | undefined
  /** Failed authentications allowed per client address a minute. */
  authFailuresPerMinute: number
  /** Times a minute one caller's no-cache is honoured. */
  noCachePerMinute: number
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

export interface TracingConfig {
  /** Where spans are sent (OTLP/HTTP); undefined: tracing is off and no OpenTelemetry module is loaded. */
  tracesUrl: string | undefined
  protocol: (typeof OTLP_PROTOCOLS)[number]
}

/** The whole configuration, in the slices the plugins take: each plugin gets only its own. */
export interface Config {
  server: ServerConfig
  wechatpay: WechatpayConfig
  protection: ProtectionConfig
  cache: CacheConfig
  redis: RedisConfig
  tracing: TracingConfig
  /** What starts but deserves an operator's look (never a secret), for the log once there is one. */
  warnings: readonly string[]
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
  // Fail closed: a typo such as NODE_ENV=prod must not quietly serve demo cards or relax a rule.
  const production = productionRules(nodeEnv)
  const mchid = read.optional('WECHATPAY_MCHID')
  const sandbox = mchid === undefined && !production

  // Sandbox mode is for one developer's machine; a deployment listens on every interface.
  const host = read.string('HOST', sandbox ? '127.0.0.1' : undefined)
  const wechatpay = readWechatpay(read, production, sandbox)
  const metricsPort = read.optionalInteger('METRICS_PORT')
  const apiTokens = readTokens(read, 'INTERNAL_API_TOKENS', production)
  const adminTokens = readTokens(read, 'CACHE_ADMIN_TOKENS', production)
  const config: Config = {
    server: {
      host,
      port: read.integer('PORT'),
      logLevel: read.choice('LOG_LEVEL'),
      nodeEnv,
      trustProxy: readTrustProxy(read, production),
      requestTimeoutMs: read.integer('REQUEST_TIMEOUT_MS'),
      socketTimeoutMs: readSocketTimeout(read, wechatpay),
      maxConnections: read.integer('SERVER_MAX_CONNECTIONS'),
      docsEnabled: read.choice('DOCS_ENABLED') === 'true',
      corsOrigins: readCorsOrigins(read),
      metrics: metricsPort === undefined ? undefined : { host: read.string('METRICS_HOST', host), port: metricsPort },
      shutdownGraceMs: readShutdownGrace(read, wechatpay)
    },
    wechatpay,
    protection: {
      apiTokens,
      adminTokens,
      callersFile: readCallersFile(read, production, [...apiTokens, ...adminTokens]),
      authFailuresPerMinute: read.integer('AUTH_FAILURES_PER_MINUTE'),
      noCachePerMinute: read.integer('NO_CACHE_PER_MINUTE'),
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
    },
    tracing: readTracing(read),
    warnings: []
  }
  warnWhenOpen(read, config.protection, production)
  if (config.server.metrics?.port === config.server.port && config.server.port !== 0) {
    read.problem('METRICS_PORT must differ from PORT (leave it unset to serve /metrics on PORT)')
  }
  if (!sandbox) config.wechatpay.credentials = readCredentials(read, mchid, nodeEnv)
  for (const warning of lookalikeWarnings(env)) read.warning(warning)

  config.warnings = read.finish((problems) => { throw new ConfigError(problems) })
  for (const slice of Object.values(config)) Object.freeze(slice)
  return Object.freeze(config)
}

function readWechatpay (read: ConfigReader, production: boolean, sandbox: boolean): WechatpayConfig {
  const protocols = production ? ['https:'] : undefined
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
    upstreamCallerShare: read.number('UPSTREAM_CALLER_SHARE'),
    cardsAllMax: read.integer('CARDS_ALL_MAX'),
    cardsAllConcurrency: read.integer('CARDS_ALL_CONCURRENCY'),
    appids: readAppids(read)
  }
}

/**
 * The OTLP settings the SDK would read, read here too: they decide whether tracing is on at all and
 * which exporter is loaded. A signal's own variable wins over the general one, as the spec says; the
 * general endpoint is a base that traces are posted under (`/v1/traces`).
 */
function readTracing (read: ConfigReader): TracingConfig {
  const base = read.url('OTEL_EXPORTER_OTLP_ENDPOINT')
  const tracesUrl = read.url('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? (base === undefined ? undefined : `${base}/v1/traces`)
  const protocol = read.optional('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') === undefined
    ? read.choice('OTEL_EXPORTER_OTLP_PROTOCOL')
    : read.choice('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL')
  return { tracesUrl, protocol: protocol as TracingConfig['protocol'] }
}

function readAppids (read: ConfigReader): string[] {
  const appids = read.list('WECHATPAY_APPIDS')
  if (appids.some((appid) => !APPID.test(appid))) {
    read.problem('WECHATPAY_APPIDS must be a comma-separated list of appids (1-32 letters, digits or _)')
  }
  return appids
}

/**
 * The longest a legitimate request can take: /cards/all reading CARDS_ALL_MAX cards a page at a
 * time within UPSTREAM_MAX_RPS, each page within WECHATPAY_TIMEOUT_MS, twice for a list that
 * changed mid-read. A connection must be allowed to stay silent that long, and then some.
 */
export function longestRequestMs (wechatpay: Pick<WechatpayConfig, 'cardsAllMax' | 'upstreamMaxRps' | 'timeoutMs'>): number {
  const pages = Math.ceil(wechatpay.cardsAllMax / CARDS_PAGE_MAX)
  return 2 * (Math.ceil(pages * 1000 / wechatpay.upstreamMaxRps) + wechatpay.timeoutMs)
}

const DEFAULT_SOCKET_TIMEOUT_MS = 60_000

function readSocketTimeout (read: ConfigReader, wechatpay: WechatpayConfig): number {
  const longest = longestRequestMs(wechatpay)
  const configured = read.optionalInteger('SOCKET_TIMEOUT_MS')
  if (configured === undefined) return Math.max(DEFAULT_SOCKET_TIMEOUT_MS, longest + 5_000)
  if (configured <= longest) {
    read.problem(`SOCKET_TIMEOUT_MS must be above the longest legitimate request, ${longest} ms for these settings ` +
      '(GET /cards/all reading CARDS_ALL_MAX cards at UPSTREAM_MAX_RPS within WECHATPAY_TIMEOUT_MS)')
  }
  return configured
}

const DEFAULT_SHUTDOWN_GRACE_MS = 10_000

/** Long enough for the longest legitimate request to finish, unless set shorter on purpose (then warned). */
function readShutdownGrace (read: ConfigReader, wechatpay: WechatpayConfig): number {
  const longest = longestRequestMs(wechatpay)
  const configured = read.optionalInteger('SHUTDOWN_GRACE_MS')
  if (configured === undefined) return Math.max(DEFAULT_SHUTDOWN_GRACE_MS, longest)
  if (configured < longest) {
    read.warning(`SHUTDOWN_GRACE_MS (${configured} ms) is shorter than the longest legitimate request, ${longest} ms for these ` +
      'settings: a shutdown (every rollout) may cut GET /cards/all requests in flight')
  }
  return configured
}

function readCredentials (read: ConfigReader, mchid: string | undefined, nodeEnv: string): WechatpayCredentials | undefined {
  if (mchid === undefined) {
    read.problem(`WECHATPAY_MCHID is required when NODE_ENV=${nodeEnv} ` +
      `(sandbox mode runs only when NODE_ENV is unset, ${DEVELOPMENT_ENVS.join(' or ')})`)
  } else if (!MCHID.test(mchid)) {
    read.problem('WECHATPAY_MCHID must be the merchant number (商户号), 1-32 digits such as 1900009191')
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
  const keys = loadKeys(sources, read.problem, read.warning)
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
