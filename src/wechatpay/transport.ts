import type { IncomingHttpHeaders } from 'node:http'
import { Pool } from 'undici'
import type { CircuitBreaker } from '../circuit-breaker.js'
import { UpstreamError } from './upstream-error.js'

/** An answer as it came off the wire, before anything trusts it. */
export interface RawAnswer {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
  requestId: string | undefined
}

export interface HostTransportOptions {
  connections: number
  connectTimeoutMs: number
  /** Trips on connection-level failures only: an HTTP answer, even a 5xx, proves the host is up. */
  breaker: CircuitBreaker
}

// A page of 20 cards is about 20 KB; anything near this is not a card page.
const MAX_BODY_BYTES = 1024 * 1024
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

/**
 * One undici Pool per WeChat Pay host. Idle sockets are dropped after 4 s, under WeChat Pay's
 * `Keep-Alive: timeout=8`, so we never reuse a socket the server is closing (the Java SDK keeps
 * 7 s); connections are bounded; TLS verification stays on (undici's default, never disabled).
 */
export class HostTransport {
  readonly host: string
  readonly breaker: CircuitBreaker
  readonly #pool: Pool

  constructor (baseUrl: string, options: HostTransportOptions) {
    this.host = new URL(baseUrl).host
    this.breaker = options.breaker
    this.#pool = new Pool(baseUrl, {
      connections: options.connections,
      keepAliveTimeout: 4_000,
      keepAliveMaxTimeout: 7_000,
      connect: { timeout: options.connectTimeoutMs }
    })
  }

  /** Throws UpstreamError: `unreachable` when the host could not be reached, `timeout` past `timeoutMs`. */
  async send (target: string, headers: Record<string, string>, timeoutMs: number): Promise<RawAnswer> {
    const deadline = AbortSignal.timeout(Math.max(1, timeoutMs))
    try {
      const response = await this.#pool.request({
        method: 'GET', path: target, headers, signal: deadline, headersTimeout: timeoutMs, bodyTimeout: timeoutMs
      })
      const body = await readCapped(response.body, MAX_BODY_BYTES)
      const responseHeaders = response.headers as IncomingHttpHeaders
      const requestId = responseHeaders['request-id']
      return { status: response.statusCode, headers: responseHeaders, body, requestId: Array.isArray(requestId) ? requestId[0] : requestId }
    } catch (err) {
      if (err instanceof UpstreamError) throw err
      const code = errorCode(err)
      if (deadline.aborted || (code !== undefined && TIMEOUT_CODES.has(code))) {
        throw new UpstreamError('upstream-timeout', 'WeChat Pay did not answer in time', { cause: err })
      }
      throw new UpstreamError('upstream-unreachable', `WeChat Pay could not be reached (${code ?? 'error'})`, { cause: err })
    }
  }

  async close (): Promise<void> {
    await this.#pool.close()
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

/** undici wraps socket errors; the code that says what happened may sit on the cause. */
function errorCode (err: unknown): string | undefined {
  const direct = (err as { code?: unknown } | null)?.code
  if (typeof direct === 'string' && direct !== 'UND_ERR_SOCKET') return direct
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause?.code
  return typeof cause === 'string' ? cause : typeof direct === 'string' ? direct : undefined
}
