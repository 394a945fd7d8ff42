import { listedCallers } from '../callers/caller-directory.js'
import type { Config, ConfigError, WechatpayCredentials } from './config.js'
import { redisLocation } from './redis.js'

/**
 * How a configuration that cannot start is reported. A person at a terminal reads text on stderr;
 * a log collector (stdout is a pipe or a file) gets one JSON line shaped like the service's own
 * log lines (pino's level 60, fatal), every problem in `problems`, so one search finds them all.
 */
export function configErrorReport (error: ConfigError, isTTY: boolean, now = Date.now()): { stream: 'stdout' | 'stderr', text: string } {
  if (isTTY) return { stream: 'stderr', text: `${error.message}\n` }
  const line = { level: 60, time: now, msg: 'Invalid configuration: the service cannot start', problems: error.problems }
  return { stream: 'stdout', text: `${JSON.stringify(line)}\n` }
}

/**
 * What a valid configuration amounts to, for `--check-config`: the mode, the key mode, Redis and
 * the callers, and every warning. Names only: no token, key or password appears.
 */
export function configSummary (config: Config): string {
  const { wechatpay, redis } = config
  const lines = [
    'ok: the configuration is valid',
    wechatpay.sandbox
      ? 'mode: sandbox (an embedded WeChat Pay simulator with generated keys; nothing reaches WeChat Pay)'
      : `mode: merchant ${wechatpay.credentials?.mchid ?? '?'} at ${wechatpay.baseUrl}` +
        `${wechatpay.backupBaseUrl === undefined ? '' : ` (backup ${wechatpay.backupBaseUrl})`}, NODE_ENV=${config.server.nodeEnv}`,
    `key mode: ${wechatpay.sandbox ? 'both (generated for the sandbox)' : keyMode(wechatpay.credentials)}`,
    `redis: ${redis.settings === undefined
      ? 'none (each process caches and budgets in its own memory)'
      : `${redis.settings.topology} ${redisLocation(redis.settings)}`}`,
    `callers: ${callers(config)}`,
    ...config.warnings.map((warning) => `warning: ${warning}`)
  ]
  return lines.join('\n') + '\n'
}

function keyMode (credentials: WechatpayCredentials | undefined): string {
  if (credentials === undefined) return 'none'
  if (credentials.publicKeyId !== undefined && credentials.apiv3Key !== undefined) {
    return `both (the migration; public key ${credentials.publicKeyId})`
  }
  if (credentials.publicKeyId !== undefined) return `public-key (${credentials.publicKeyId})`
  return 'platform-certificate (downloaded with WECHATPAY_APIV3_KEY)'
}

function callers ({ protection }: Config): string {
  const listed = listedCallers(protection.apiTokens, protection.adminTokens)
    .map((caller) => `${caller.name} (${caller.api ? 'INTERNAL_API_TOKENS' : 'CACHE_ADMIN_TOKENS, purge only'})`)
  const named = (protection.callersFile?.callers ?? [])
    .map((caller) => `${caller.name} (CALLERS_FILE${caller.purge ? ', may purge' : ''})`)
  const all = [...listed, ...named]
  return all.length === 0 ? 'none: the card routes are open to anyone who can reach the service' : all.join(', ')
}
