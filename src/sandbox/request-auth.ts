import { verify, type KeyObject } from 'node:crypto'

/** @see docs/wechatpay-protocol.md §1.2: scheme = 'WECHATPAY2-' + 'SHA256-RSA2048'. */
export const AUTH_SCHEME = 'WECHATPAY2-SHA256-RSA2048'

// §1.4: WeChat Pay rejects a request whose timestamp is more than five minutes off its own clock.
const MAX_SKEW_SECONDS = 300
const FIELDS = ['mchid', 'nonce_str', 'timestamp', 'serial_no', 'signature'] as const
type Field = typeof FIELDS[number]
// §1.3: pairs are key="value", comma-separated, no spaces; a value never contains '"' or ','.
const PAIR = /^([a-z_]+)="([^"]*)"$/
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/**
 * What the simulator records about a request's Authorization header. `reason` is one of:
 * 'missing', 'scheme', 'malformed', 'unknown-key:<k>', 'duplicate:<k>', 'missing:<k>',
 * 'mchid', 'serial_no', 'timestamp', 'timestamp-skew', 'nonce', 'signature'.
 */
export interface AuthSummary {
  ok: boolean
  reason?: string
  mchid?: string
  serialNo?: string
  nonce?: string
  timestamp?: string
}

export interface AuthCheck {
  summary: AuthSummary
  /** The 签名串 we expected (§1.1); echoed truncated in SIGN_ERROR details like WeChat does (§3.1). */
  signMessage: string
  /** Which Authorization field failed and why, for the error detail. */
  field?: string
  issue?: string
}

export interface AuthExpectations {
  mchid: string
  serialNo: string
  publicKey: KeyObject
  nowSeconds: number
  method: string
  url: string
  body: Buffer
}

type Pairs = Partial<Record<Field, string>>

function parsePairs (header: string | undefined): { pairs: Pairs, reason?: string } {
  if (header === undefined || header === '') return { pairs: {}, reason: 'missing' }
  if (!header.startsWith(AUTH_SCHEME + ' ')) return { pairs: {}, reason: 'scheme' }
  const pairs: Pairs = {}
  // §1.3: "以上五项签名信息，无顺序要求" — any order, but each key exactly once.
  for (const part of header.slice(AUTH_SCHEME.length + 1).split(',')) {
    const match = PAIR.exec(part)
    if (match === null) return { pairs, reason: 'malformed' }
    const key = match[1] as Field
    if (!FIELDS.includes(key)) return { pairs, reason: `unknown-key:${key}` }
    if (pairs[key] !== undefined) return { pairs, reason: `duplicate:${key}` }
    pairs[key] = match[2] ?? ''
  }
  const absent = FIELDS.find((key) => pairs[key] === undefined)
  return absent === undefined ? { pairs } : { pairs, reason: `missing:${absent}` }
}

function signatureVerifies (message: string, signature: string, key: KeyObject): boolean {
  if (signature === '' || !BASE64.test(signature)) return false
  try {
    // RSASSA-PKCS1-v1_5 with SHA-256 is node's default padding for RSA keys (§1.2).
    return verify('sha256', Buffer.from(message, 'utf8'), key, Buffer.from(signature, 'base64'))
  } catch {
    return false
  }
}

function firstFailure (pairs: Pairs, exp: AuthExpectations, message: string): { reason: string, field: string, issue: string } | undefined {
  if (pairs.mchid !== exp.mchid) return { reason: 'mchid', field: 'mchid', issue: 'mchid does not match the merchant' }
  if (pairs.serial_no !== exp.serialNo) return { reason: 'serial_no', field: 'serial_no', issue: 'merchant certificate serial not found' }
  const ts = pairs.timestamp ?? ''
  if (!/^\d{1,10}$/.test(ts)) return { reason: 'timestamp', field: 'timestamp', issue: 'timestamp must be Unix seconds' }
  if (Math.abs(exp.nowSeconds - Number(ts)) > MAX_SKEW_SECONDS) {
    return { reason: 'timestamp-skew', field: 'timestamp', issue: 'Http头Authorization中的timestamp与发起请求的时间不得超过5分钟' }
  }
  if ((pairs.nonce_str ?? '') === '') return { reason: 'nonce', field: 'nonce_str', issue: 'nonce_str is empty' }
  if (!signatureVerifies(message, pairs.signature ?? '', exp.publicKey)) {
    return { reason: 'signature', field: 'signature', issue: 'sign not match' }
  }
  return undefined
}

/** Parses and verifies a merchant Authorization header the way WeChat Pay does (§1.1–§1.4). */
export function checkAuthorization (header: string | undefined, exp: AuthExpectations): AuthCheck {
  const { pairs, reason: parseError } = parsePairs(header)
  // §1.1: METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n, URL exactly as received (path + raw query).
  const signMessage = `${exp.method.toUpperCase()}\n${exp.url}\n${pairs.timestamp ?? ''}\n` +
    `${pairs.nonce_str ?? ''}\n${exp.body.toString('utf8')}\n`
  const summary: AuthSummary = { ok: false }
  if (pairs.mchid !== undefined) summary.mchid = pairs.mchid
  if (pairs.serial_no !== undefined) summary.serialNo = pairs.serial_no
  if (pairs.nonce_str !== undefined) summary.nonce = pairs.nonce_str
  if (pairs.timestamp !== undefined) summary.timestamp = pairs.timestamp
  if (parseError !== undefined) {
    summary.reason = parseError
    return { summary, signMessage, field: 'authorization', issue: 'Authorization header is missing or malformed' }
  }
  const failure = firstFailure(pairs, exp, signMessage)
  if (failure !== undefined) {
    summary.reason = failure.reason
    return { summary, signMessage, field: failure.field, issue: failure.issue }
  }
  summary.ok = true
  return { summary, signMessage }
}
