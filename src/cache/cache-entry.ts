import { createHash } from 'node:crypto'
import { gunzipSync, gzipSync } from 'node:zlib'

/** A page's two forms. At least one is there: an entry read from Redis carries only its gzip form when it has one. */
export interface PageForms {
  /** The page as WeChat Pay sent it. */
  body?: Buffer | undefined
  /** Absent when compression would not pay (a tiny page). */
  gzip?: Buffer | undefined
}

export interface CacheEntry extends PageForms {
  storedAt: number
  requestId: string
  /** Strong validator (RFC 9110 §8.8.3). */
  etag: string
  generation: string
}

export function strongEtag (body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`
}

/** A fetched page as the cache keeps it, its gzip form made once. */
export function pageEntry (body: Buffer, stamp: Pick<CacheEntry, 'storedAt' | 'requestId' | 'generation'>): CacheEntry {
  const gzip = gzipOnce(body)
  // A small page comes in a slice of Node's shared pool; a cached one must not pin the rest of it.
  // gzip is lossless: its bytes tell pages apart as the body's do, and are a tenth as many to hash.
  return { body: ownBytes(body), gzip, etag: strongEtag(gzip ?? body), ...stamp }
}

/** The identity form, inflated when the page came without it: most callers take gzip, and Redis keeps only that. */
export function identityOf (page: PageForms): Buffer {
  if (page.body !== undefined) return page.body
  if (page.gzip === undefined) throw new Error('a cached page holds neither of its forms')
  try {
    return gunzipSync(page.gzip)
  } catch (err) {
    throw new Error('a cached page\'s gzip form does not decode', { cause: err })
  }
}

export function entryBytes (entry: CacheEntry): number {
  return (entry.body?.length ?? 0) + (entry.gzip?.length ?? 0)
}

/** Another representation, so another strong ETag (RFC 9110 §8.8.3). */
export function gzipEtag (etag: string): string {
  return `${etag.slice(0, -1)}-gzip"`
}

// Below this a page gains too little from gzip to be worth a second copy; above it JSON pages shrink five-fold or more.
const MIN_COMPRESSIBLE_BYTES = 1024

// zlib's fastest strategy: on a 31 KB page, half the cost of level 6 (0.11 ms vs 0.22 ms) for 9% more bytes.
const GZIP_LEVEL = 3

export function gzipOnce (body: Buffer): Buffer | undefined {
  if (body.length < MIN_COMPRESSIBLE_BYTES) return undefined
  // zlib answers with a view into its 16 KB output chunk, which the cached form would keep alive.
  const compressed = gzipSync(body, { level: GZIP_LEVEL })
  return compressed.length <= body.length * 0.9 ? ownBytes(compressed) : undefined
}

/** A view into a larger Buffer (socket chunk, zlib chunk, Node's 8 KB pool) keeps all of it alive. */
export function ownBytes<T extends Buffer | undefined> (view: T): T {
  if (view === undefined || view.byteLength === view.buffer.byteLength) return view
  // Not Buffer.from: it would put a small copy in the shared pool again.
  const copy = Buffer.allocUnsafeSlow(view.byteLength)
  view.copy(copy)
  return copy as T
}

// A binary frame instead of JSON: a hit costs no parse and no base64. Layout: "WXC3" | storedAt float64 |
// three uint16 string lengths | uint32 gzip length | strings | the gzip form, or the body when there is none. The
// gzip form alone: a tenth of the bytes to write, keep and read, and a gzip hit (most callers) sends them as they
// are. An identity hit from Redis inflates them (about 55 µs for a full page); a page read often enough to be
// copied in process is inflated once (docs/caching.md, "Compressed answers"). The layout before is still read
// (below); any other is refetched.
const MAGIC_TEXT = 'WXC3'
const MAGIC = Buffer.from(MAGIC_TEXT)
// The layout before, the same but for the body after the gzip form: still read, so that while a fleet is upgraded
// its replicas do not refetch each other's pages. Written no more.
const BOTH_FORMS_MAGIC_TEXT = 'WXC2'
const BOTH_FORMS_MAGIC = Buffer.from(BOTH_FORMS_MAGIC_TEXT)
const HEAD_BYTES = 22

/** How a script on Redis reads the head frameHeader writes without decoding the page. */
export function frameStoredSinceLua (frame: string, floor: string): string {
  const magic = `string.sub(${frame}, 1, 4)`
  return `(#${frame} >= ${HEAD_BYTES} and (${magic} == '${MAGIC_TEXT}' or ${magic} == '${BOTH_FORMS_MAGIC_TEXT}') ` +
    `and struct.unpack('>d', ${frame}, 5) >= ${floor})`
}

/** Two frames with the same header hold the same page: a replica can check its copy without the bytes travelling. */
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
  return Buffer.concat([frameHeader(entry), entry.gzip ?? identityOf(entry)])
}

export function decodeEntry (frame: Buffer): CacheEntry | undefined {
  if (frame.length < HEAD_BYTES) return undefined
  const bothForms = frame.subarray(0, 4).equals(BOTH_FORMS_MAGIC)
  if (!bothForms && !frame.subarray(0, 4).equals(MAGIC)) return undefined
  const storedAt = frame.readDoubleBE(4)
  const lengths = [frame.readUInt16BE(12), frame.readUInt16BE(14), frame.readUInt16BE(16)]
  const gzipLength = frame.readUInt32BE(18)
  let offset = HEAD_BYTES
  const [requestId, etag, generation] = lengths.map((length) => {
    const text = frame.toString('utf8', offset, offset + length)
    offset += length
    return text
  })
  if (offset > frame.length || etag === undefined || requestId === undefined || generation === undefined) return undefined
  if (bothForms) {
    if (offset + gzipLength > frame.length) return undefined
    const gzip = gzipLength === 0 ? undefined : frame.subarray(offset, offset + gzipLength)
    const body = frame.subarray(offset + gzipLength)
    // A frame cut off after its gzip form still holds the page: the body is rebuilt from it when asked for.
    return { ...(body.length === 0 && gzip !== undefined ? {} : { body }), gzip, storedAt, requestId, etag, generation }
  }
  if (gzipLength !== 0 && offset + gzipLength !== frame.length) return undefined
  const form = frame.subarray(offset)
  return { ...(gzipLength === 0 ? { body: form } : { gzip: form }), storedAt, requestId, etag, generation }
}
