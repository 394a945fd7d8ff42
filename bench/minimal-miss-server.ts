/**
 * (m) The floor of a miss, written only to find it: a bare node:http server that, per request,
 * signs the call, fetches the page from the simulator over TLS with undici, verifies the answer's
 * signature, parses it, gzips it (level 3, as the service) and writes it to Redis with one SET.
 * Nothing else: no cache read, no lock, no budget, no logging. A forced miss of the service is
 * judged against it. argv: <credentials.json> <port> <redis url>
 */
import { createPrivateKey, createPublicKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { gzipSync } from 'node:zlib'
import { Redis } from 'ioredis'
import { Pool } from 'undici'
import { buildCardsTarget } from '../src/wechatpay/endpoints/cards.js'
import { KeyStore } from '../src/wechatpay/key-store.js'
import { createRequestSigner } from '../src/wechatpay/request-signer.js'
import { createResponseVerifier } from '../src/wechatpay/response-verifier.js'
import type { UpstreamCredentials } from './upstream-direct.js'

const [credentialsFile, port, redisUrl] = process.argv.slice(2)
if (credentialsFile === undefined || port === undefined || redisUrl === undefined) {
  throw new Error('usage: minimal-miss-server <credentials.json> <port> <redis url>')
}
const credentials = JSON.parse(readFileSync(credentialsFile, 'utf8')) as UpstreamCredentials & { WECHATPAY_PUBLIC_KEY: string }
const sign = createRequestSigner({
  mchid: credentials.WECHATPAY_MCHID,
  merchantSerialNo: credentials.WECHATPAY_MERCHANT_SERIAL_NO,
  privateKey: createPrivateKey(credentials.WECHATPAY_PRIVATE_KEY)
})
const keys = new KeyStore()
keys.set(credentials.WECHATPAY_PUBLIC_KEY_ID, createPublicKey(credentials.WECHATPAY_PUBLIC_KEY))
const verify = createResponseVerifier({ keys })
// Trusted through NODE_EXTRA_CA_CERTS, as the service's pool is; kept alive as the service's.
const pool = new Pool(credentials.WECHATPAY_BASE_URL, { connections: 16, keepAliveTimeout: 4_000, keepAliveMaxTimeout: 7_000 })
const redis = new Redis(redisUrl)

createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://bench')
  const target = buildCardsTarget({
    appid: url.searchParams.get('appid') ?? '', offset: Number(url.searchParams.get('offset')), limit: Number(url.searchParams.get('limit'))
  })
  const headers = {
    accept: 'application/json',
    'user-agent': 'wxpay-cards-bench-minimal',
    'wechatpay-serial': credentials.WECHATPAY_PUBLIC_KEY_ID,
    authorization: sign('GET', target)
  }
  pool.request({ method: 'GET', path: target, headers })
    .then(async (answer) => {
      const body = Buffer.from(await answer.body.arrayBuffer())
      if (answer.statusCode !== 200 || !verify(answer.headers as Record<string, string>, body).ok) throw new Error('refused')
      JSON.parse(body.toString('utf8'))
      await redis.set(`bench:minimal:${target}`, gzipSync(body, { level: 3 }), 'PX', 60_000)
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body)
    })
    .catch((err: unknown) => { console.error(err); response.writeHead(502).end() })
}).listen(Number(port), '127.0.0.1')
