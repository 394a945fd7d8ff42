import { classifyWechatpayError, retryAfterForCode } from './errors.js'
import { UpstreamError } from './upstream-error.js'

/**
 * Turns a non-2xx WeChat Pay answer into an UpstreamError. Error answers are often unsigned
 * (docs/wechatpay-protocol.md §2.6), so they are classified, not called forged; their body is parsed leniently
 * because `detail` is free-form, and only `code` and `message` are kept.
 */
export function errorFromAnswer (
  status: number,
  body: Buffer,
  requestId: string | undefined,
  retryAfter: string | undefined
): UpstreamError {
  const { code, message } = readErrorBody(body)
  return new UpstreamError(classifyWechatpayError(status, code), `WeChat Pay answered ${status}${code === undefined ? '' : ` ${code}`}`, {
    code,
    wechatMessage: message,
    requestId,
    upstreamStatus: status,
    retryAfterSeconds: parseRetryAfter(retryAfter) ?? retryAfterForCode(code)
  })
}

function readErrorBody (body: Buffer): { code?: string, message?: string } {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'))
    if (parsed === null || typeof parsed !== 'object') return {}
    const { code, message } = parsed as Record<string, unknown>
    return {
      code: typeof code === 'string' ? code.slice(0, 128) : undefined,
      message: typeof message === 'string' ? message.slice(0, 500) : undefined
    }
  } catch {
    return {}
  }
}

// IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT". Date.parse alone would take "foo 2020" as a date.
const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3); anything else is ignored. */
export function parseRetryAfter (value: string | undefined, now: number = Date.now()): number | undefined {
  const text = value?.trim()
  if (text === undefined) return undefined
  if (/^\d{1,10}$/.test(text)) return Math.min(Number(text), 3600)
  if (!HTTP_DATE.test(text)) return undefined
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, Math.min(Math.ceil((at - now) / 1000), 3600))
}
