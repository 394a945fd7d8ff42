/**
 * The WeChat Pay simulator as a process of its own for the benchmarks, so every service process
 * talks to one upstream whose calls can be counted. It writes the credentials the services need to
 * the file named by argv[2] and serves a small control API on the port given by argv[3]:
 * GET /calls (count), POST /delay?ms=N (every later answer waits N ms), POST /reset (also forgets
 * the lists below), POST /cards?appid=A&count=N (A lists its first N demo cards instead of 23, for
 * the bench's long lists; the sandbox's own default is untouched).
 * Given a key and a certificate file (argv[4], argv[5]), it speaks TLS, as WeChat Pay does; the
 * control API stays plain HTTP.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { KeyExportOptions, KeyObject } from 'node:crypto'
import { demoCards } from '../src/sandbox/demo-cards.js'
import { startFakeWechatpay } from '../test/helpers/fake-wechatpay.js'

const [credentialsFile, controlPort, tlsKeyFile, tlsCertFile] = process.argv.slice(2)
if (credentialsFile === undefined || controlPort === undefined || (tlsKeyFile === undefined) !== (tlsCertFile === undefined)) {
  throw new Error('usage: simulator-process <credentials.json> <control port> [<tls key file> <tls certificate file>]')
}

const fake = await startFakeWechatpay(tlsKeyFile === undefined || tlsCertFile === undefined
  ? {}
  : { tls: { key: readFileSync(tlsKeyFile), cert: readFileSync(tlsCertFile) } })
const { simulator, generated } = fake
const pem = (key: KeyObject, type: 'pkcs8' | 'spki'): string => key.export({ type, format: 'pem' } as KeyExportOptions<'pem'>).toString()
writeFileSync(credentialsFile, JSON.stringify({
  WECHATPAY_MCHID: generated.mchid,
  WECHATPAY_MERCHANT_SERIAL_NO: generated.merchantSerialNo,
  WECHATPAY_PRIVATE_KEY: pem(generated.merchantPrivateKey, 'pkcs8'),
  WECHATPAY_PUBLIC_KEY_ID: generated.wechatpayPublicKeyId,
  WECHATPAY_PUBLIC_KEY: pem(generated.wechatpayPublicKey, 'spki'),
  WECHATPAY_BASE_URL: simulator.url
}), { mode: 0o600 })

let calls = 0
// The simulator keeps every call; counting and forgetting keeps its memory flat over a long run.
setInterval(() => { calls += simulator.calls.length; simulator.calls.length = 0 }, 100).unref()

createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://control')
  if (req.method === 'GET' && url.pathname === '/calls') {
    res.end(String(calls + simulator.calls.length))
  } else if (req.method === 'POST' && url.pathname === '/delay') {
    simulator.setLatency(Number(url.searchParams.get('ms') ?? 0))
    res.end('ok')
  } else if (req.method === 'POST' && url.pathname === '/cards') {
    const appid = url.searchParams.get('appid') ?? ''
    simulator.setCards(appid, demoCards(appid, Number(url.searchParams.get('count'))))
    res.end('ok')
  } else if (req.method === 'POST' && url.pathname === '/reset') {
    simulator.reset()
    calls = 0
    res.end('ok')
  } else {
    res.statusCode = 404
    res.end()
  }
}).listen(Number(controlPort), '127.0.0.1')
