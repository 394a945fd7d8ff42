import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { CallerShare } from '../budget/caller-share.js'
import type { KeyedGcra } from '../budget/gcra.js'
import { FleetBudget, type BudgetOptions } from '../budget/upstream-budget.js'
import type { WechatpayConfig, WechatpayCredentials } from '../config/config.js'
import { RedisRate } from '../redis/budget-store.js'
import { RedisCertificateStore } from '../redis/certificate-store.js'
import { REDIS_KEYS } from '../redis/keys.js'
import { createCertificateDownload } from '../wechatpay/certificates/certificate-download.js'
import { CertificateManager } from '../wechatpay/certificates/certificate-manager.js'
import { describeKeyMode } from '../wechatpay/certificates/key-mode.js'
import { WechatpayClient, type AttemptObserver } from '../wechatpay/client.js'
import { KeyStore } from '../wechatpay/key-store.js'
import { createRequestSigner } from '../wechatpay/request-signer.js'
import { createResponseVerifier, type ResponseVerifier } from '../wechatpay/response-verifier.js'
import { USER_AGENT } from '../version.js'

export interface WechatpayPluginOptions {
  config: WechatpayConfig
  now?: (() => number) | undefined
  attempts?: AttemptObserver | undefined
  budgetWait?: BudgetOptions['observeWait']
}

/** Who this service talks to: WeChat Pay with the merchant's credentials, or the sandbox's simulator. */
interface Peer {
  credentials: WechatpayCredentials
  baseUrl: string
  backupBaseUrl: string | undefined
  /** Sandbox mode: the fault a request asked the simulator for (X-Sandbox-Fault). */
  extraHeaders?: () => Record<string, string> | undefined
}

/** Public key, platform certificates, or both during WeChat Pay's migration (docs/wechatpay-protocol.md §2.4). */
async function wechatpay (app: FastifyInstance, options: WechatpayPluginOptions): Promise<void> {
  const { config, now, attempts, budgetWait } = options
  const { credentials, baseUrl, backupBaseUrl, extraHeaders } = await peerOf(app, config)
  const { redis } = app
  const keys = new KeyStore()
  if (credentials.publicKeyId !== undefined && credentials.publicKey !== undefined) keys.set(credentials.publicKeyId, credentials.publicKey)

  const certificates: CertificateManager = new CertificateManager({
    mchid: credentials.mchid,
    publicKeyId: credentials.publicKeyId,
    apiv3Key: credentials.apiv3Key,
    keys,
    download: async () => await download(),
    sharing: redis === undefined ? undefined : new RedisCertificateStore(redis.client, redis.guard, credentials.mchid, { now }),
    refreshIntervalMs: config.certRefreshHours * 3_600_000,
    sharedWaitMs: config.timeoutMs + 1_000,
    log: app.log,
    now
  })
  const verify = createResponseVerifier({ keys, now })
  // Each answer verifies with the key it names, never with an expired certificate.
  const verifyUnexpired: ResponseVerifier = (headers, body) => {
    certificates.prune()
    return verify(headers, body)
  }

  const rate = redis === undefined ? undefined : new RedisRate(redis.client, redis.guard, REDIS_KEYS.budget(credentials.mchid))
  const budget = new FleetBudget({
    maxRps: config.upstreamMaxRps,
    shared: rate,
    now,
    onTake: (take) => { if (app.hasDecorator('metrics')) app.metrics.budgetTake(take) },
    observeWait: budgetWait
  })
  const client = new WechatpayClient({
    baseUrl,
    backupBaseUrl,
    sign: createRequestSigner({
      mchid: credentials.mchid,
      merchantSerialNo: credentials.merchantSerialNo,
      privateKey: credentials.privateKey,
      now
    }),
    verify: verifyUnexpired,
    // A serial we do not hold may be a rotation: the request waits for the download and verifies with it.
    followUnknownSerial: async (serial) => await certificates.followUnknownSerial(serial),
    acceptSerial: () => certificates.acceptSerial(),
    userAgent: USER_AGENT,
    extraHeaders,
    timeoutMs: config.timeoutMs,
    connectTimeoutMs: config.connectTimeoutMs,
    connections: config.maxConnections,
    budget,
    keys: () => certificates.health(),
    now,
    observer: attempts,
    onAttempt: (report) => {
      if (app.hasDecorator('metrics')) app.metrics.upstreamAttempt(report)
      if (report.outcome !== 'ok') app.log.debug({ upstream: report }, 'WeChat Pay attempt failed')
    },
    onTransportNotice: (notice) => {
      if (notice.kind === 'tls-failure') {
        app.log.warn({ host: notice.host, tls: notice.reason },
          'TLS to WeChat Pay failed; check the host\'s certificate and any proxy in between')
      } else {
        app.log.warn({ host: notice.host, length: notice.length }, 'WeChat Pay sent a Request-ID that is not one; it was dropped')
      }
    },
    onBreakerChange: (host, state) => {
      if (state === 'open') app.log.warn({ host }, 'WeChat Pay host unreachable repeatedly; skipping it for a cool-down')
      else app.log.info({ host }, 'WeChat Pay host reachable again')
    }
  })
  const download = createCertificateDownload({
    client, keys, apiv3Key: credentials.apiv3Key ?? Buffer.alloc(32), holdsCertificates: () => certificates.certificates().length > 0, now
  })

  app.addHook('onClose', async () => {
    certificates.close()
    await client.close()
  })
  try {
    await certificates.start()
  } catch (err) {
    app.log.fatal((err as Error).message)
    throw err
  }
  const keyMode = describeKeyMode(certificates, credentials.publicKeyId, config.certRefreshHours)
  app.log.info(keyMode.fields, keyMode.message)

  app.decorate('wechatpay', client)
  // Not on a Cluster: the budget's and the callers' keys live in other slots than a page's lock.
  const beside = redis !== undefined && redis.topology !== 'cluster'
  const shareKey = (caller: string): string => REDIS_KEYS.callerShare(credentials.mchid, caller)
  app.decorate('callerShare', new CallerShare({
    maxRps: config.upstreamMaxRps,
    fraction: config.upstreamCallerShare,
    shared: rate === undefined ? undefined : async (caller, params) => await rate.take(params, shareKey(caller)),
    keyOf: beside ? shareKey : undefined,
    now
  }))
  app.decorate('merchantId', credentials.mchid)
  app.decorate('certificates', certificates)
  app.decorate('upstreamTurn', beside ? { key: REDIS_KEYS.budget(credentials.mchid), ...budget.params } : undefined)
  app.decorate('platformCertificateExpiry', () => certificates.newestExpiry())
}

async function peerOf (app: FastifyInstance, config: WechatpayConfig): Promise<Peer> {
  if (!config.sandbox) {
    if (config.credentials === undefined) throw new Error('WeChat Pay credentials are missing outside sandbox mode')
    return { credentials: config.credentials, baseUrl: config.baseUrl, backupBaseUrl: config.backupBaseUrl }
  }
  // Loaded only here: production never runs the simulator and need not load or compile it.
  const { startSandbox } = await import('../sandbox/sandbox-mode.js')
  const { relayFaults } = await import('../sandbox/fault-relay.js')
  const sandbox = await startSandbox(config.timeoutMs)
  app.addHook('onClose', async () => { await sandbox.close() })
  app.log.warn({ simulator: sandbox.url }, 'SANDBOX MODE: WECHATPAY_MCHID is not set, ' +
    'so an embedded WeChat Pay simulator with generated keys answers /cards. Nothing reaches WeChat Pay.')
  return { credentials: sandbox.credentials, baseUrl: sandbox.url, backupBaseUrl: undefined, extraHeaders: relayFaults(app) }
}

declare module 'fastify' {
  interface FastifyInstance {
    wechatpay: WechatpayClient
    callerShare: CallerShare
    merchantId: string
    certificates: CertificateManager
    upstreamTurn: KeyedGcra | undefined
  }
}

export default fp(wechatpay, { name: 'wechatpay', dependencies: ['redis'] })
