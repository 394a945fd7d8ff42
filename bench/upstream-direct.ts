/**
 * (u) The upstream on its own: as many callers as (d) has, each in a loop asking the simulator
 * directly, over the same TLS, for the same pages, signed per request with the merchant key as the
 * service signs them. Its p50 is what a miss cannot go below, so "miss p50 − this" is the service's.
 */
import { createPrivateKey } from 'node:crypto'
import { Pool } from 'undici'
import { buildCardsTarget } from '../src/wechatpay/endpoints/cards.js'
import { createRequestSigner } from '../src/wechatpay/request-signer.js'
import { percentile } from './stats.js'

export interface UpstreamCredentials {
  WECHATPAY_MCHID: string
  WECHATPAY_MERCHANT_SERIAL_NO: string
  WECHATPAY_PRIVATE_KEY: string
  WECHATPAY_PUBLIC_KEY_ID: string
  WECHATPAY_BASE_URL: string
}

export interface UpstreamFigure { rps: number, p50: number, p99: number, requests: number }

export async function measureUpstreamDirect (options: {
  credentials: UpstreamCredentials
  /** The simulator's certificate, trusted as a CA. */
  ca: string | Buffer
  appids: string[]
  callers: number
  seconds: number
}): Promise<UpstreamFigure> {
  const { credentials, appids, callers } = options
  const sign = createRequestSigner({
    mchid: credentials.WECHATPAY_MCHID,
    merchantSerialNo: credentials.WECHATPAY_MERCHANT_SERIAL_NO,
    privateKey: createPrivateKey(credentials.WECHATPAY_PRIVATE_KEY)
  })
  // Kept alive like the service's own pool (src/wechatpay/transport.ts), one socket per caller.
  const pool = new Pool(credentials.WECHATPAY_BASE_URL, {
    connections: callers, keepAliveTimeout: 4_000, keepAliveMaxTimeout: 7_000, connect: { ca: options.ca }
  })
  const latencies: number[] = []
  const call = async (record: boolean): Promise<void> => {
    const target = buildCardsTarget({ appid: appids[Math.floor(Math.random() * appids.length)] as string, offset: 0, limit: 20 })
    // The headers the service sends; Wechatpay-Serial makes the simulator sign with its public key, as it does for the service.
    const headers = {
      accept: 'application/json',
      'user-agent': 'wxpay-cards-bench',
      'wechatpay-serial': credentials.WECHATPAY_PUBLIC_KEY_ID,
      authorization: sign('GET', target)
    }
    // The clock starts after signing: signing is the service's work, not the upstream's.
    const started = performance.now()
    const answer = await pool.request({ method: 'GET', path: target, headers })
    const body = await answer.body.arrayBuffer()
    if (answer.statusCode !== 200) throw new Error(`the simulator answered ${answer.statusCode}: ${Buffer.from(body).toString('utf8')}`)
    if (record) latencies.push(performance.now() - started)
  }
  try {
    // Every socket's TLS handshake first, as the service's pool was warm before (d).
    await Promise.all(Array.from({ length: callers }, async () => { await call(false) }))
    const started = performance.now()
    const end = started + options.seconds * 1000
    await Promise.all(Array.from({ length: callers }, async () => {
      while (performance.now() < end) await call(true)
    }))
    const seconds = (performance.now() - started) / 1000
    latencies.sort((x, y) => x - y)
    return { rps: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), requests: latencies.length }
  } finally {
    await pool.close()
  }
}
