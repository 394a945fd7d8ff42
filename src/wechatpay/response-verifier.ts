import { createVerify } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { KeyStore } from './key-store.js'

export const VERIFICATION_FAILURES = [
  'missing-headers',
  'unknown-serial',
  'timestamp-skew',
  'signature-probe',
  'malformed-signature',
  'bad-signature'
] as const

export type VerificationFailure = typeof VERIFICATION_FAILURES[number]

export type VerificationResult =
  | { ok: true, serial: string }
  | { ok: false, reason: VerificationFailure, serial?: string }

export interface ResponseVerifierOptions {
  keys: KeyStore
  now?: () => number
  /** Every official SDK allows 5 minutes either way (docs/wechatpay-protocol.md §2.3). */
  maxSkewSeconds?: number
}

export type ResponseVerifier = (headers: IncomingHttpHeaders, body: Buffer) => VerificationResult

/** WeChat Pay deliberately sends wrong signatures starting with this to test merchants (docs/wechatpay-protocol.md §2.5). */
export const SIGNATURE_PROBE_PREFIX = 'WECHATPAY/SIGNTEST/'

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
const UNIX_SECONDS = /^\d{1,12}$/

/**
 * Never throws: a probe or garbage signature is an ordinary refusal, not a crash (WxJava#3288).
 * @see https://pay.weixin.qq.com/doc/v3/merchant/4013053420 (签名验证)
 */
export function createResponseVerifier (options: ResponseVerifierOptions): ResponseVerifier {
  const { keys } = options
  const now = options.now ?? Date.now
  const maxSkew = options.maxSkewSeconds ?? 300

  return (headers, body) => {
    const timestamp = single(headers['wechatpay-timestamp'])
    const nonce = single(headers['wechatpay-nonce'])
    const signature = single(headers['wechatpay-signature'])
    const serial = single(headers['wechatpay-serial'])
    if (timestamp === undefined || nonce === undefined || signature === undefined || serial === undefined) {
      return { ok: false, reason: 'missing-headers' }
    }
    if (signature.startsWith(SIGNATURE_PROBE_PREFIX)) return { ok: false, reason: 'signature-probe', serial }
    const key = keys.get(serial)
    if (key === undefined) return { ok: false, reason: 'unknown-serial', serial }
    if (!UNIX_SECONDS.test(timestamp) || Math.abs(now() / 1000 - Number(timestamp)) > maxSkew) {
      return { ok: false, reason: 'timestamp-skew', serial }
    }
    if (!BASE64.test(signature)) return { ok: false, reason: 'malformed-signature', serial }

    let valid = false
    try {
      // The message fed in three parts: joining them would copy the whole page once more per answer.
      const verifier = createVerify('sha256')
      verifier.update(`${timestamp}\n${nonce}\n`, 'utf8')
      verifier.update(body)
      verifier.update(NEWLINE)
      valid = verifier.verify(key, Buffer.from(signature, 'base64'))
    } catch {
      // A key of the wrong type or size: treat as not verified rather than letting it escape.
      valid = false
    }
    return valid ? { ok: true, serial } : { ok: false, reason: 'bad-signature', serial }
  }
}

const NEWLINE = Buffer.from('\n')

function single (value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? undefined : value?.trim()
  return text === undefined || text === '' ? undefined : text
}
