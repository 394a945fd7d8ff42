import type { IncomingHttpHeaders } from 'node:http'
import { Pool } from 'undici'
import { buildCardsTarget, type CardsQuery } from './cards-query.js'
import { errorFromAnswer } from './error-answer.js'
import { UPSTREAM_FAILURES } from './errors.js'
import { checkPageShape } from './page-shape.js'
import type { RequestSigner } from './request-signer.js'
import type { ResponseVerifier } from './response-verifier.js'
import { UpstreamError } from './upstream-error.js'

export interface WechatpayClientOptions {
  baseUrl: string
  sign: RequestSigner
  verify: ResponseVerifier
  /** Sent as Wechatpay-Serial: it makes WeChat Pay sign answers with our public key (reference §2.4 B). */
  acceptSerial: string
  userAgent: string
  /** Bounds the whole exchange, from connecting to the last byte of the body. */
  timeoutMs: number
  connections?: number
}

/** A verified, well-shaped page: the exact bytes WeChat Pay sent. */
export interface VerifiedPage {
  body: Buffer
  requestId: string | undefined
  /** The serial of the key that verified the page. */
  serial: string
}

// A page of 20 cards is about 20 KB; anything near this is not a card page.
const MAX_BODY_BYTES = 1024 * 1024

/**
 * One undici Pool per upstream host, with keep-alive under WeChat Pay's 8 s server timeout so we
 * never reuse a socket the server is closing (reference §2.1, Java SDK keeps 7 s).
 */
export class WechatpayClient {
  readonly #pool: Pool
  readonly #options: WechatpayClientOptions

  constructor (options: WechatpayClientOptions) {
    this.#options = options
    this.#pool = new Pool(options.baseUrl, {
      connections: options.connections ?? 16,
      keepAliveTimeout: 4_000,
      keepAliveMaxTimeout: 7_000,
      connect: { timeout: Math.min(2_000, options.timeoutMs) },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs
    })
  }

  async listCards (query: CardsQuery, signal?: AbortSignal): Promise<VerifiedPage> {
    const target = buildCardsTarget(query)
    const { status, headers, body } = await this.#exchange(target, signal)
    const requestId = header(headers, 'request-id')
    if (status < 200 || status > 299) throw errorFromAnswer(status, body, requestId, header(headers, 'retry-after'))

    const verdict = this.#options.verify(headers, body)
    if (!verdict.ok) {
      throw new UpstreamError(UPSTREAM_FAILURES.signatureInvalid, `answer refused: ${verdict.reason}`, {
        requestId, upstreamStatus: status, verification: verdict.reason
      })
    }
    const shapeProblem = checkPageShape(body)
    if (shapeProblem !== undefined) {
      throw new UpstreamError(UPSTREAM_FAILURES.badResponse, shapeProblem, { requestId, upstreamStatus: status })
    }
    return { body, requestId, serial: verdict.serial }
  }

  async close (): Promise<void> {
    await this.#pool.close()
  }

  async #exchange (target: string, callerSignal?: AbortSignal): Promise<{ status: number, headers: IncomingHttpHeaders, body: Buffer }> {
    const deadline = AbortSignal.timeout(this.#options.timeoutMs)
    const signal = callerSignal === undefined ? deadline : AbortSignal.any([deadline, callerSignal])
    try {
      const response = await this.#pool.request({
        method: 'GET',
        path: target,
        signal,
        headers: {
          accept: 'application/json',
          'user-agent': this.#options.userAgent,
          'wechatpay-serial': this.#options.acceptSerial,
          // Signed last, right before sending, so the timestamp is as fresh as it can be.
          authorization: this.#options.sign('GET', target)
        }
      })
      const body = await readCapped(response.body, MAX_BODY_BYTES)
      return { status: response.statusCode, headers: response.headers as IncomingHttpHeaders, body }
    } catch (err) {
      throw transportError(err, deadline.aborted)
    }
  }
}

async function readCapped (body: AsyncIterable<Buffer> & { destroy: () => unknown }, max: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.length
    if (size > max) {
      body.destroy()
      throw new UpstreamError(UPSTREAM_FAILURES.badResponse, `the body exceeds ${max} bytes`)
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks, size)
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

function transportError (err: unknown, deadlinePassed: boolean): UpstreamError {
  if (err instanceof UpstreamError) return err
  const code = (err as { code?: string } | null)?.code
  if (deadlinePassed || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return new UpstreamError(UPSTREAM_FAILURES.timeout, 'WeChat Pay did not answer in time', { cause: err })
  }
  return new UpstreamError(UPSTREAM_FAILURES.unreachable, `WeChat Pay could not be reached (${code ?? 'error'})`, { cause: err })
}

function header (headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}
