import { isUtf8 } from 'node:buffer'

/** Nothing else is interpreted, so fields WeChat Pay adds later reach callers untouched. */
export function checkCardPageShape (body: Buffer): string | undefined {
  // Callers get these bytes as application/json, which RFC 8259 requires to be UTF-8.
  if (!isUtf8(body)) return 'the body is not UTF-8'
  let parsed: unknown
  try {
    // Parsed as latin1: decoding the UTF-8 cost as much again as the parse, and the verdict is the same once the bytes
    // are known to be UTF-8 (multi-byte characters never read as quotes, backslashes or controls).
    parsed = JSON.parse(body.toString('latin1'))
  } catch {
    return 'the body is not JSON'
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'the body is not a JSON object'
  const page = parsed as Record<string, unknown>
  if (!Array.isArray(page.data)) return 'the body has no data array'
  if (typeof page.total_count !== 'number') return 'the body has no numeric total_count'
  return undefined
}
