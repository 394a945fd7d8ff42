import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { FleetBudget } from '../budget/upstream-budget.js'
import { budgetKey } from '../cache/cache-keys.js'
import type { Config, WechatpayCredentials } from '../config.js'
import { WechatpayClient } from '../wechatpay/client.js'
import { KeyStore } from '../wechatpay/key-store.js'
import { createRequestSigner } from '../wechatpay/request-signer.js'
import { createResponseVerifier } from '../wechatpay/response-verifier.js'
import { USER_AGENT } from '../version.js'

export interface WechatpayPluginOptions {
  config: Config
  credentials: WechatpayCredentials
  /** The primary host: the configured one, or the simulator in sandbox mode. */
  baseUrl: string
  backupBaseUrl: string | undefined
  /** Milliseconds since the epoch, for signing and for the verifier's skew check. */
  now?: () => number
}

/** Builds the signed, verifying WeChat Pay client once and shares it as `app.wechatpay`. */
async function wechatpay (app: FastifyInstance, options: WechatpayPluginOptions): Promise<void> {
  const { config, credentials, now } = options
  const clock = now === undefined ? {} : { now }
  const keys = new KeyStore()
  keys.set(credentials.publicKeyId, credentials.publicKey)

  const budget = new FleetBudget({
    maxRps: config.upstreamMaxRps,
    ...(app.redis === undefined ? {} : { redis: { client: app.redis.client, guard: app.redis.guard, key: budgetKey(credentials.mchid) } }),
    ...clock
  })
  const client = new WechatpayClient({
    baseUrl: options.baseUrl,
    ...(options.backupBaseUrl === undefined ? {} : { backupBaseUrl: options.backupBaseUrl }),
    sign: createRequestSigner({
      mchid: credentials.mchid,
      merchantSerialNo: credentials.merchantSerialNo,
      privateKey: credentials.privateKey,
      ...clock
    }),
    verify: createResponseVerifier({ keys, ...clock }),
    acceptSerial: credentials.publicKeyId,
    userAgent: USER_AGENT,
    timeoutMs: config.timeoutMs,
    connectTimeoutMs: config.connectTimeoutMs,
    connections: config.maxConnections,
    budget,
    ...clock,
    onAttempt: (report) => {
      if (report.outcome !== 'ok') app.log.debug({ upstream: report }, 'WeChat Pay attempt failed')
    },
    onBreakerChange: (host, state) => {
      if (state === 'open') app.log.warn({ host }, 'WeChat Pay host unreachable repeatedly; skipping it for a cool-down')
      else app.log.info({ host }, 'WeChat Pay host reachable again')
    }
  })

  app.decorate('wechatpay', client)
  app.decorate('merchantId', credentials.mchid)
  app.decorate('verificationKeys', keys)
  app.addHook('onClose', async () => { await client.close() })
}

declare module 'fastify' {
  interface FastifyInstance {
    wechatpay: WechatpayClient
    /** The merchant whose pages this service serves: part of every cache key. */
    merchantId: string
    verificationKeys: KeyStore
  }
}

export default fp(wechatpay, { name: 'wechatpay', dependencies: ['redis'] })
