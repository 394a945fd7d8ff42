import { isUtf8 } from 'node:buffer'

/**
 * The light check a verified 2xx must pass before it is served: a JSON object with a `data`
 * array and a numeric `total_count`. Nothing else is interpreted, so fields WeChat Pay adds
 * later reach callers untouched. Returns what was wrong, or undefined when the page is fine.
 */
export function checkCardPageShape (body: Buffer): string | undefined {
  // Callers get these bytes as application/json, which RFC 8259 requires to be UTF-8.
  if (!isUtf8(body)) return 'the body is not UTF-8'
  let parsed: unknown
  try {
    // Parsed as latin1, one character per byte: a copy, where decoding the UTF-8 (Chinese titles,
    // so a two-byte string) cost as much again as the parse. Once the bytes are known to be UTF-8
    // the verdict is the same: every byte of a multi-byte character is 0x80 or above, which JSON
    // allows inside strings only, either way, and never reads as a quote, a backslash or a control
    // character; the keys looked at here are ASCII, which both decodings read alike.
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
