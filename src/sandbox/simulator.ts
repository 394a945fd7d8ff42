import type { KeyObject } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { errorAnswer, writeAnswer, type Answer } from './answer-writer.js'
import { demoCards } from './demo-cards.js'
import { isShapingFault, type Fault } from './faults.js'
import { checkAuthorization, type AuthSummary } from './request-auth.js'
import { checkRequest } from './request-checks.js'

export type { Fault } from './faults.js'

/**
 * An in-process WeChat Pay APIv3 that serves GET /v3/marketing/membercard-open/cards: it verifies
 * merchant signatures and signs its answers as WeChat Pay does (reference §1–§3). It only uses node
 * built-ins, never the service's own signer or verifier, so a mistake in one shows up as a failing
 * test instead of hiding in both. It logs nothing: the service logs.
 */
export interface SimulatorOptions {
  mchid: string
  merchantSerialNo: string
  merchantPublicKey: KeyObject
  signingKey: KeyObject
  signingSerial: string
  host?: string
  port?: number
  now?: () => number
  cardsFor?: (appid: string, brandId: string | undefined) => unknown[]
}

export interface RecordedCall {
  method: string
  url: string
  headers: IncomingHttpHeaders
  authorization: AuthSummary
  at: number
}

export interface Simulator {
  readonly url: string
  readonly calls: RecordedCall[]
  enqueue (...faults: Fault[]): void
  setCards (appid: string, cards: unknown[]): void
  reset (): void
  close (): Promise<void>
}

// GET requests have no body; the cap only keeps a hostile upload from filling memory.
const BODY_LIMIT = 64 * 1024
// §2.1: WeChat Pay answers with Keep-Alive: timeout=8; node emits that header from keepAliveTimeout.
const KEEP_ALIVE_MS = 8000

/** The whole body, or undefined once it exceeds BODY_LIMIT (the rest is drained, not kept). */
function readBody (req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > BODY_LIMIT) resolve(undefined)
      else chunks.push(chunk)
    })
    const done = (): void => resolve(size > BODY_LIMIT ? undefined : Buffer.concat(chunks))
    req.on('end', done)
    req.on('error', done)
    req.on('close', done)
  })
}

function defaultCards (appid: string, brandId: string | undefined): unknown[] {
  const cards = demoCards(appid)
  return brandId === undefined ? cards : cards.filter((card) => card.brand.brand_id === brandId)
}

export async function startSimulator (opts: SimulatorOptions): Promise<Simulator> {
  const now = opts.now ?? Date.now
  const cardsFor = opts.cardsFor ?? defaultCards
  const calls: RecordedCall[] = []
  const faults: Fault[] = []
  const overrides = new Map<string, unknown[]>()
  const sleepers = new Set<() => void>()
  let closed = false

  const sleep = (ms: number): Promise<void> => new Promise((resolve) => {
    const wake = (): void => { clearTimeout(timer); sleepers.delete(wake); resolve() }
    const timer = setTimeout(wake, ms)
    sleepers.add(wake)
  })
  const send = (res: ServerResponse, answer: Answer, fault?: Fault): void => {
    writeAnswer(res, answer, { key: opts.signingKey, serial: opts.signingSerial, nowMs: now() }, isShapingFault(fault) ? fault : undefined)
  }

  async function handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req)
    const method = req.method ?? ''
    const url = req.url ?? ''
    const at = now()
    const auth = checkAuthorization(req.headers.authorization, {
      mchid: opts.mchid,
      serialNo: opts.merchantSerialNo,
      publicKey: opts.merchantPublicKey,
      nowSeconds: Math.floor(at / 1000),
      method,
      url,
      body: body ?? Buffer.alloc(0)
    })
    calls.push({ method, url, headers: req.headers, authorization: auth.summary, at })

    // Step 1: faults that replace the whole exchange win over every check, auth included.
    const fault = faults.shift()
    if (fault?.kind === 'drop') {
      req.socket.destroy()
      return
    }
    if (fault?.kind === 'error') {
      if (fault.delayMs !== undefined) await sleep(fault.delayMs)
      if (closed || res.destroyed) return
      const answer = errorAnswer(fault.status, fault.code, fault.message ?? fault.code, fault.detail, fault.signed ?? false)
      if (fault.headers !== undefined) answer.headers = fault.headers
      return send(res, answer)
    }
    if (fault?.kind === 'delay') {
      await sleep(fault.ms)
      if (closed || res.destroyed) return
    }

    const checked = checkRequest({ method, url, headers: req.headers, bodyTooLarge: body === undefined, auth, signingSerial: opts.signingSerial })
    // A `raw` fault stands in for a successful page only; a rejected request is still rejected.
    if ('reject' in checked) return send(res, checked.reject, fault?.kind === 'raw' ? undefined : fault)
    if (fault?.kind === 'raw') {
      const answer: Answer = { status: fault.status, body: Buffer.from(fault.body, 'utf8'), contentType: fault.contentType ?? 'application/json; charset=utf-8', signed: fault.signed ?? true }
      return send(res, answer)
    }

    // The endpoint page: `offset` is a page index from 0, so page n holds cards [n*limit, n*limit+limit).
    const { appid, offset, limit, brandId } = checked.query
    const cards = overrides.get(appid) ?? cardsFor(appid, brandId)
    const page = { data: cards.slice(offset * limit, offset * limit + limit), need_dynamic_code: false, total_count: cards.length, offset, limit }
    send(res, { status: 200, body: Buffer.from(JSON.stringify(page), 'utf8'), contentType: 'application/json; charset=utf-8', signed: true }, fault)
  }

  const server = createServer((req, res) => {
    // Never let a request take the process down; a broken exchange just loses its socket.
    handle(req, res).catch(() => { res.destroy() })
  })
  server.keepAliveTimeout = KEEP_ALIVE_MS
  // No 'clientError' listener on purpose: node then answers malformed requests and oversized headers
  // with 400/431 and closes the socket, silently.

  const host = opts.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => { server.off('error', reject); resolve() })
  })
  const { port } = server.address() as AddressInfo

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    calls,
    enqueue: (...more) => { faults.push(...more) },
    // Overrides are served as given for that appid, whatever brand_id asks for.
    setCards: (appid, cards) => { overrides.set(appid, [...cards]) },
    reset: () => { calls.length = 0; faults.length = 0; overrides.clear() },
    close: () => new Promise<void>((resolve) => {
      closed = true
      for (const wake of [...sleepers]) wake()
      server.close(() => resolve())
      // close() alone waits for keep-alive sockets to idle out; tests must not wait 8 s.
      server.closeAllConnections()
    })
  }
}
