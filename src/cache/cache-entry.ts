import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'

/** A verified page as the cache keeps it: WeChat Pay's bytes plus what a hit needs to answer. */
export interface CacheEntry {
  body: Buffer
  /**
   * The same bytes gzip-compressed once, when the page was stored, for callers that take gzip; absent
   * when compression would not pay (a tiny page) or the entry predates it.
   */
  gzip?: Buffer | undefined
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

/** What a page costs in memory: both its representations. */
export function entryBytes (entry: CacheEntry): number {
  return entry.body.length + (entry.gzip?.length ?? 0)
}

/** The gzip representation's own validator: another representation, so another strong ETag (RFC 9110 §8.8.3). */
export function gzipEtag (etag: string): string {
  return `${etag.slice(0, -1)}-gzip"`
}

// Below this a page gains too little from gzip to be worth a second copy; above it JSON pages shrink five-fold or more.
const MIN_COMPRESSIBLE_BYTES = 1024

// zlib's fastest strategy (levels 1 to 3 share it) at its best setting. On a page of 20 cards (31 KB)
// it costs half of level 6, the default (0.11 ms against 0.22 ms: every miss pays it), and the page
// comes out 9% larger (3.8 KB against 3.5 KB), a few hundred bytes more per gzip hit.
const GZIP_LEVEL = 3

/** gzip once per fetch; undefined when the page is small or would not shrink by a tenth. */
export function gzipOnce (body: Buffer): Buffer | undefined {
  if (body.length < MIN_COMPRESSIBLE_BYTES) return undefined
  // zlib answers with a view into its 16 KB output chunk: kept as it is, a 3.8 KB gzip form would
  // hold all 16 KB for as long as the page is cached.
  const compressed = gzipSync(body, { level: GZIP_LEVEL })
  return compressed.length <= body.length * 0.9 ? ownBytes(compressed) : undefined
}

/**
 * The bytes in memory of their own: a Buffer that is a view into a larger one (a socket chunk, a
 * zlib output chunk, Node's shared 8 KB pool) keeps all of it alive, and a cache bounded in bytes
 * would hold more than it counts. A Buffer that is already its whole memory is returned as it is.
 */
export function ownBytes<T extends Buffer | undefined> (view: T): T {
  if (view === undefined || view.byteLength === view.buffer.byteLength) return view
  // Not Buffer.from: it would put a small copy in the shared pool again.
  const copy = Buffer.allocUnsafeSlow(view.byteLength)
  view.copy(copy)
  return copy as T
}

// A binary frame instead of JSON: a hit then costs no parse of the page and no base64 of its bytes.
// Layout: magic "WXC2" | storedAt float64 | three uint16-length-prefixed strings | uint32 gzip length
// | strings | gzip | body. The format and the Lua that reads its head (frameStoredSinceLua) live
// here together; a frame of any other layout is refused by both, and simply fetched again.
const MAGIC_TEXT = 'WXC2'
const MAGIC = Buffer.from(MAGIC_TEXT)
const HEAD_BYTES = 22

/**
 * A Lua condition, true when `frame` (a Lua string) is a frame of this layout stored at or after
 * `floor` (a Lua number, ms since the epoch): how a script on Redis reads the head frameHeader
 * writes without decoding the page.
 */
export function frameStoredSinceLua (frame: string, floor: string): string {
  return `(#${frame} >= ${HEAD_BYTES} and string.sub(${frame}, 1, 4) == '${MAGIC_TEXT}' and struct.unpack('>d', ${frame}, 5) >= ${floor})`
}

/**
 * The frame's first bytes, everything before the gzip form and the body: which page this is (its
 * ETag), when and by which call it was fetched, and under which purge generation. Two frames with
 * the same header hold the same page, which lets a replica ask Redis whether its copy is still the
 * stored one without the page's bytes travelling (src/redis/page-store.ts).
 */
export function frameHeader (entry: CacheEntry): Buffer {
  const strings = [entry.requestId, entry.etag, entry.generation].map((s) => Buffer.from(s, 'utf8'))
  const head = Buffer.alloc(HEAD_BYTES)
  MAGIC.copy(head, 0)
  head.writeDoubleBE(entry.storedAt, 4)
  strings.forEach((s, i) => head.writeUInt16BE(s.length, 12 + i * 2))
  head.writeUInt32BE(entry.gzip?.length ?? 0, 18)
  return Buffer.concat([head, ...strings])
}

export function encodeEntry (entry: CacheEntry): Buffer {
  return Buffer.concat([frameHeader(entry), entry.gzip ?? Buffer.alloc(0), entry.body])
}

/** Undefined for anything not written by encodeEntry (another format version, or garbage). */
export function decodeEntry (frame: Buffer): CacheEntry | undefined {
  if (frame.length < HEAD_BYTES || !frame.subarray(0, 4).equals(MAGIC)) return undefined
  const storedAt = frame.readDoubleBE(4)
  const lengths = [frame.readUInt16BE(12), frame.readUInt16BE(14), frame.readUInt16BE(16)]
  const gzipLength = frame.readUInt32BE(18)
  let offset = HEAD_BYTES
  const [requestId, etag, generation] = lengths.map((length) => {
    const text = frame.toString('utf8', offset, offset + length)
    offset += length
    return text
  })
  if (offset + gzipLength > frame.length || etag === undefined || requestId === undefined || generation === undefined) return undefined
  const gzip = gzipLength === 0 ? undefined : frame.subarray(offset, offset + gzipLength)
  return { body: frame.subarray(offset + gzipLength), gzip, storedAt, requestId, etag, generation }
}
