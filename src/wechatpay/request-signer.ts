import { randomBytes, sign, type KeyObject } from 'node:crypto'

/** @see docs/wechatpay-protocol.md §1.2: scheme = "WECHATPAY2-" + algorithm. */
export const AUTH_SCHEME = 'WECHATPAY2-SHA256-RSA2048'

const NONCE_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const NONCE_LENGTH = 32

/** Bytes >= 248 are rejected so each character is equally likely (docs/wechatpay-protocol.md §1.4). */
export function generateNonce (): string {
  let nonce = ''
  while (nonce.length < NONCE_LENGTH) {
    for (const byte of randomBytes(NONCE_LENGTH * 2)) {
      if (byte < 248) nonce += NONCE_ALPHABET[byte % 62]
      if (nonce.length === NONCE_LENGTH) break
    }
  }
  return nonce
}

/** @see docs/wechatpay-protocol.md §1.1 */
export function buildSignatureMessage (method: string, pathAndQuery: string, timestamp: string, nonce: string, body: string): string {
  return `${method.toUpperCase()}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${body}\n`
}

export interface RequestSignerOptions {
  mchid: string
  merchantSerialNo: string
  privateKey: KeyObject
  /** Injected so tests can pin the clock. */
  now?: () => number
  nonce?: () => string
}

export type RequestSigner = (method: string, pathAndQuery: string, body?: string) => string

/** A fresh nonce and timestamp per call, so a retry is never a replay; `pathAndQuery` must be the exact wire bytes. */
export function createRequestSigner (options: RequestSignerOptions): RequestSigner {
  const { mchid, merchantSerialNo, privateKey } = options
  const now = options.now ?? Date.now
  const nextNonce = options.nonce ?? generateNonce
  return (method, pathAndQuery, body = '') => {
    const timestamp = String(Math.floor(now() / 1000))
    const nonce = nextNonce()
    const message = buildSignatureMessage(method, pathAndQuery, timestamp, nonce, body)
    // RSASSA-PKCS1-v1_5 is node's default padding for RSA keys, with SHA-256 named here.
    const signature = sign('sha256', Buffer.from(message), privateKey).toString('base64')
    return `${AUTH_SCHEME} mchid="${mchid}",nonce_str="${nonce}",timestamp="${timestamp}",` +
      `serial_no="${merchantSerialNo}",signature="${signature}"`
  }
}
