import { createHash } from 'node:crypto'

/** A verified page as the cache keeps it: WeChat Pay's bytes plus what a hit needs to answer. */
export interface CacheEntry {
  body: Buffer
  /** When the page was fetched and verified, ms since the epoch. */
  storedAt: number
  /** WeChat Pay's Request-ID of the call that fetched it ('' when it sent none). */
  requestId: string
  /** Strong validator over the body (RFC 9110 §8.8.3), computed once at store time. */
  etag: string
  /** The purge generations current when the fetch began, "<appid gen>.<brand gen>". */
  generation: string
}

export function strongEtag (body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`
}

// A binary frame instead of JSON: a hit then costs no parse of the page and no base64 of its bytes.
// Layout: magic "WXC1" | storedAt float64 | three uint16-length-prefixed strings | body.
const MAGIC = Buffer.from('WXC1')

export function encodeEntry (entry: CacheEntry): Buffer {
  const strings = [entry.requestId, entry.etag, entry.generation].map((s) => Buffer.from(s, 'utf8'))
  const head = Buffer.alloc(4 + 8 + strings.length * 2)
  MAGIC.copy(head, 0)
  head.writeDoubleBE(entry.storedAt, 4)
  strings.forEach((s, i) => head.writeUInt16BE(s.length, 12 + i * 2))
  return Buffer.concat([head, ...strings, entry.body])
}

/** Undefined for anything not written by encodeEntry (another format version, or garbage). */
export function decodeEntry (frame: Buffer): CacheEntry | undefined {
  if (frame.length < 18 || !frame.subarray(0, 4).equals(MAGIC)) return undefined
  const storedAt = frame.readDoubleBE(4)
  const lengths = [frame.readUInt16BE(12), frame.readUInt16BE(14), frame.readUInt16BE(16)]
  let offset = 18
  const [requestId, etag, generation] = lengths.map((length) => {
    const text = frame.toString('utf8', offset, offset + length)
    offset += length
    return text
  })
  if (offset > frame.length || etag === undefined || requestId === undefined || generation === undefined) return undefined
  return { body: frame.subarray(offset), storedAt, requestId, etag, generation }
}
