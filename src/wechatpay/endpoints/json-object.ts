import { isUtf8 } from 'node:buffer'

/**
 * A verified body as the JSON object every endpoint answers with, or what is wrong with it. Only
 * the shape checks look inside; the bytes served are never these.
 */
export function parseJsonObject (body: Buffer): Record<string, unknown> | string {
  // Callers get these bytes as application/json, which RFC 8259 requires to be UTF-8.
  if (!isUtf8(body)) return 'the body is not UTF-8'
  let parsed: unknown
  try {
    // Parsed as latin1: decoding the UTF-8 cost as much again as the parse, and the verdict is the same once the bytes
    // are known to be UTF-8 (multi-byte characters never read as quotes, backslashes or controls). The members the
    // checks read are ASCII, which both decodings read alike.
    parsed = JSON.parse(body.toString('latin1'))
  } catch {
    return 'the body is not JSON'
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'the body is not a JSON object'
  return parsed as Record<string, unknown>
}
