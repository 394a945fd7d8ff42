import type { IncomingHttpHeaders } from 'node:http'
import { Pool } from 'undici'
import type { CircuitBreaker } from '../circuit-breaker.js'
import { UpstreamError } from './upstream-error.js'

export interface RawAnswer {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
  requestId: string | undefined
}

export type TransportNotice =
  | { kind: 'request-id-dropped', host: string, length: number }
  | { kind: 'tls-failure', host: string, reason: string }

export interface HostTransportOptions {
  connections: number
  connectTimeoutMs: number
  /** Trips on connection-level failures only: an HTTP answer, even a 5xx, proves the host is up. */
  breaker: CircuitBreaker
  onNotice?: ((notice: TransportNotice) => void) | undefined
}

const MAX_BODY_BYTES = 1024 * 1024
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])
// docs/wechatpay-protocol.md §2.1, with room to spare.
const REQUEST_ID = /^[A-Za-z0-9_-]{1,64}$/
const TLS_CODE = /^(?:ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/

/** Idle sockets dropped after 4 s, under WeChat Pay's `Keep-Alive: timeout=8`, so we never reuse one the server is closing. */
export class HostTransport {
  readonly host: string
  readonly origin: string
  readonly breaker: CircuitBreaker
  readonly #pool: Pool
  readonly #onNotice: HostTransportOptions['onNotice']
  #tlsReason: string | undefined

  constructor (baseUrl: string, options: HostTransportOptions) {
    const url = new URL(baseUrl)
    this.host = url.host
    this.origin = url.origin
    this.breaker = options.breaker
    this.#onNotice = options.onNotice
    this.#pool = new Pool(baseUrl, {
      connections: options.connections,
      keepAliveTimeout: 4_000,
      keepAliveMaxTimeout: 7_000,
      connect: { timeout: options.connectTimeoutMs }
    })
  }

  async send (target: string, headers: Record<string, string>, timeoutMs: number): Promise<RawAnswer> {
    // A timer of our own, cleared when the attempt ends: AbortSignal.timeout's would fire seconds
    // after every answer, and build a DOMException each time, for nothing.
    const deadline = new AbortController()
    const timer = setTimeout(() => { deadline.abort() }, Math.max(1, timeoutMs))
    try {
      const response = await this.#pool.request({
        method: 'GET', path: target, headers, signal: deadline.signal, headersTimeout: timeoutMs, bodyTimeout: timeoutMs
      })
      const body = await readCapped(response.body, MAX_BODY_BYTES)
      const responseHeaders = response.headers as IncomingHttpHeaders
      this.#tlsReason = undefined
      return { status: response.statusCode, headers: responseHeaders, body, requestId: this.#requestIdOf(responseHeaders['request-id']) }
    } catch (err) {
      if (err instanceof UpstreamError) throw err
      const code = errorCode(err)
      // Said whenever it happens, though a retry on the other host or a stale page may hide it from callers.
      if (code !== undefined && TLS_CODE.test(code) && code !== this.#tlsReason) {
        this.#tlsReason = code
        this.#onNotice?.({ kind: 'tls-failure', host: this.host, reason: code })
      }
      if (deadline.signal.aborted || (code !== undefined && TIMEOUT_CODES.has(code))) {
        throw new UpstreamError('upstream-timeout', 'WeChat Pay did not answer in time', { cause: err })
      }
      throw new UpstreamError('upstream-unreachable', `WeChat Pay could not be reached (${code ?? 'error'})`, { cause: err })
    } finally {
      clearTimeout(timer)
    }
  }

  async close (): Promise<void> {
    await this.#pool.close()
  }

  /** Echoed, logged and cached: an upstream (or proxy) must not make it carry kilobytes, or anything but an id. */
  #requestIdOf (header: string | string[] | undefined): string | undefined {
    const value = Array.isArray(header) ? header[0] : header
    if (value === undefined || REQUEST_ID.test(value)) return value
    this.#onNotice?.({ kind: 'request-id-dropped', host: this.host, length: value.length })
    return undefined
  }
}

async function readCapped (body: AsyncIterable<Buffer> & { destroy: () => unknown }, max: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.length
    if (size > max) {
      body.destroy()
      throw new UpstreamError('upstream-bad-response', `the body exceeds ${max} bytes`)
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks, size)
}

function errorCode (err: unknown): string | undefined {
  const direct = (err as { code?: unknown } | null)?.code
  if (typeof direct === 'string' && direct !== 'UND_ERR_SOCKET') return direct
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause?.code
  return typeof cause === 'string' ? cause : typeof direct === 'string' ? direct : undefined
}
