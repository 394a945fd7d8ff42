/**
 * What one RSA-2048 signature costs, the floor under every miss (each WeChat Pay request is signed
 * once, src/wechatpay/request-signer.ts): argv[2] PKCS#1 v1.5 SHA-256 signatures of a message the
 * size of a request's signature message, timed. Run pinned to an idle CPU; prints JSON.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto'

const count = Number(process.argv[2] ?? 500)
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const message = Buffer.from(randomBytes(100).toString('hex'))
// Warm-up: the first signatures pay for OpenSSL's lazy set-up (Montgomery contexts, blinding).
for (let i = 0; i < 20; i++) sign('sha256', message, privateKey)
const started = process.hrtime.bigint()
for (let i = 0; i < count; i++) sign('sha256', message, privateKey)
const ns = Number(process.hrtime.bigint() - started)
process.stdout.write(`${JSON.stringify({ count, messageBytes: message.length, usPerSignature: ns / count / 1000 })}\n`)
