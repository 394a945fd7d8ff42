import type { KeyObject } from 'node:crypto'
import { loadKeys, type KeySources } from './config-keys.js'
import { createConfigReader } from './config-reader.js'

export const DEFAULT_BASE_URL = 'https://api.mch.weixin.qq.com'

/** Merchant credentials and the keys that verify WeChat Pay. Never logged: see `toJSON`. */
export interface WechatpayCredentials {
  mchid: string
  merchantSerialNo: string
  privateKey: KeyObject
  publicKeyId: string
  publicKey: KeyObject
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
  timeoutMs: number
  /** Undefined: pages are cached in process memory instead of Redis. */
  redisUrl: string | undefined
  redisCommandTimeoutMs: number
  cacheTtlSeconds: number
  cacheStaleSeconds: number
  cacheMaxEntries: number
  cacheMaxBytes: number
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
    timeoutMs: read.integer('WECHATPAY_TIMEOUT_MS', 5000, { min: 100, max: 60_000 }),
    redisUrl: read.optionalUrl('REDIS_URL', ['redis:', 'rediss:']),
    redisCommandTimeoutMs: read.integer('REDIS_COMMAND_TIMEOUT_MS', 150, { min: 10, max: 5_000 }),
    cacheTtlSeconds: read.integer('CACHE_TTL_SECONDS', 60, { min: 1, max: 86_400 }),
    cacheStaleSeconds: read.integer('CACHE_STALE_SECONDS', 300, { min: 0, max: 86_400 }),
    cacheMaxEntries: read.integer('CACHE_MAX_ENTRIES', 10_000, { min: 1, max: 10_000_000 }),
    cacheMaxBytes: read.integer('CACHE_MAX_BYTES', 64 * 1024 * 1024, { min: 1024 * 1024, max: 64 * 1024 * 1024 * 1024 })
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
