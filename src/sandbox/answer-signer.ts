import { randomBytes, sign, type KeyObject } from 'node:crypto'

/** @see docs/wechatpay-protocol.md §2.1: the value of Wechatpay-Signature-Type. */
export const ANSWER_SIGNATURE_TYPE = 'WECHATPAY2-SHA256-RSA2048'

/** 32 uppercase hex chars from a CSPRNG, like the Wechatpay-Nonce values in WeChat's examples (§2.1). */
export function answerNonce (): string {
  return randomBytes(16).toString('hex').toUpperCase()
}

/** Shaped like `08F5B8C2B506102C18FDDFEEA30620BE821E28EDC405-0` (§2.1): 44 hex chars + '-0'. */
export function newRequestId (): string {
  return randomBytes(22).toString('hex').toUpperCase() + '-0'
}

/**
 * §2.2: the verify message is TIMESTAMP\nNONCE\nBODY\n over the raw body bytes. It is built from
 * bytes, not strings, so the signature covers exactly what goes on the wire.
 */
export function answerSignMessage (timestamp: string, nonce: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`, 'utf8'), body, Buffer.from('\n', 'utf8')])
}

/** Base64 SHA256withRSA (PKCS#1 v1.5, node's default for RSA keys) over the verify message. */
export function signAnswer (key: KeyObject, timestamp: string, nonce: string, body: Buffer): string {
  return sign('sha256', answerSignMessage(timestamp, nonce, body), key).toString('base64')
}

/** The four Wechatpay-* signature headers plus Wechatpay-Signature-Type for one answer body. */
export function signatureHeaders (key: KeyObject, serial: string, timestampSeconds: number, body: Buffer): Record<string, string> {
  const timestamp = String(timestampSeconds)
  const nonce = answerNonce()
  return {
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Serial': serial,
    'Wechatpay-Signature-Type': ANSWER_SIGNATURE_TYPE,
    'Wechatpay-Signature': signAnswer(key, timestamp, nonce, body)
  }
}
