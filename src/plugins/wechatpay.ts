import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { WechatpayCredentials } from '../config.js'
import { WechatpayClient } from '../wechatpay/client.js'
import { KeyStore } from '../wechatpay/key-store.js'
import { createRequestSigner } from '../wechatpay/request-signer.js'
import { createResponseVerifier } from '../wechatpay/response-verifier.js'
import { USER_AGENT } from '../version.js'

export interface WechatpayPluginOptions {
  credentials: WechatpayCredentials
  baseUrl: string
  timeoutMs: number
  /** Milliseconds since the epoch, for signing and for the verifier's skew check. */
  now?: () => number
}

/** Builds the signed, verifying WeChat Pay client once and shares it as `app.wechatpay`. */
async function wechatpay (app: FastifyInstance, options: WechatpayPluginOptions): Promise<void> {
  const { credentials, now } = options
  const keys = new KeyStore()
  keys.set(credentials.publicKeyId, credentials.publicKey)

  const client = new WechatpayClient({
    baseUrl: options.baseUrl,
    sign: createRequestSigner({
      mchid: credentials.mchid,
      merchantSerialNo: credentials.merchantSerialNo,
      privateKey: credentials.privateKey,
      ...(now === undefined ? {} : { now })
    }),
    verify: createResponseVerifier({ keys, ...(now === undefined ? {} : { now }) }),
    acceptSerial: credentials.publicKeyId,
    userAgent: USER_AGENT,
    timeoutMs: options.timeoutMs
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

export default fp(wechatpay, { name: 'wechatpay' })
