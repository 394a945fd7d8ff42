import { randomBytes, type KeyObject } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { newRequestId, signatureHeaders } from './answer-signer.js'
import { tamperOneByte, type ShapingFault } from './faults.js'

/** One answer before signing and before any fault shapes it. */
export interface Answer {
  status: number
  body: Buffer
  contentType: string
  signed: boolean
  headers?: Record<string, string>
}

export interface Signing {
  key: KeyObject
  serial: string
  nowMs: number
}

/** An APIv3 error body (docs/wechatpay-protocol.md §3.1): code, message and, when there is one, a free-form detail. */
export function errorAnswer (status: number, code: string, message: string, detail: unknown, signed: boolean): Answer {
  const payload = detail === undefined ? { code, message } : { code, message, detail }
  return { status, body: Buffer.from(JSON.stringify(payload), 'utf8'), contentType: 'application/json', signed }
}

// 1xx, 204 and 304 answers cannot carry a body in HTTP/1.1 (RFC 9110 §15.3.5, §15.4.5).
function bodyAllowed (status: number): boolean {
  return status >= 200 && status !== 204 && status !== 304
}

function probeSignature (): string {
  // §2.5: WeChat's deliberate probes start with WECHATPAY/SIGNTEST/ and are not valid Base64 as a whole.
  return 'WECHATPAY/SIGNTEST/' + randomBytes(256).toString('base64')
}

function signedHeaders (signing: Signing, fault: ShapingFault | undefined, body: Buffer): Record<string, string> {
  const skew = fault?.kind === 'skew' ? fault.seconds : 0
  const headers = signatureHeaders(signing.key, signing.serial, Math.floor(signing.nowMs / 1000) + skew, body)
  if (fault?.kind === 'serial') headers['Wechatpay-Serial'] = fault.serial
  if (fault?.kind === 'probe') headers['Wechatpay-Signature'] = probeSignature()
  if (fault?.kind === 'signature') headers['Wechatpay-Signature'] = fault.value
  if (fault?.kind === 'omit-header') {
    const name = Object.keys(headers).find((h) => h.toLowerCase() === fault.header.toLowerCase())
    if (name !== undefined) delete headers[name]
  }
  return headers
}

/** An answer signed and shaped, ready to go on the wire. */
export interface PreparedAnswer { status: number, headers: Record<string, string>, body: Buffer }

export function sendPrepared (res: ServerResponse, prepared: PreparedAnswer): void {
  if (res.destroyed || res.headersSent) return
  res.writeHead(prepared.status, prepared.headers)
  res.end(prepared.body)
}

/**
 * Signs one answer as built; a `tamper` fault then changes one byte of what is sent, so the
 * signature no longer matches (§2.2: any change to the body must fail verification).
 */
export function prepareAnswer (answer: Answer, signing: Signing, fault?: ShapingFault): PreparedAnswer {
  const body = bodyAllowed(answer.status) ? answer.body : Buffer.alloc(0)
  const sent = fault?.kind === 'tamper' ? tamperOneByte(body) : body
  const headers: Record<string, string> = {
    'Content-Type': answer.contentType,
    'Content-Length': String(sent.length),
    // Outside the signed message, so an odd one still verifies: what a proxy could do to it.
    'Request-ID': fault?.kind === 'request-id' ? fault.value : newRequestId(),
    ...answer.headers
  }
  if (answer.signed && fault?.kind !== 'unsigned') Object.assign(headers, signedHeaders(signing, fault, body))
  if (!bodyAllowed(answer.status)) {
    delete headers['Content-Length']
    delete headers['Content-Type']
  }
  return { status: answer.status, headers, body: sent }
}
