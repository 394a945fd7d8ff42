import type { KeyObject } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { errorAnswer, prepareAnswer, sendPrepared, type Answer } from './answer-writer.js'
import { cardAnswer, KnownCards } from './card-lookup.js'
import { cardsPageBody } from './cards-page.js'
import { demoCards } from './demo-cards.js'
import { isShapingFault, type Fault } from './faults.js'
import { requestedFault, SANDBOX_FAULT_HEADER } from './requested-faults.js'
import {
  certificateListing,
  generateApiv3Key,
  generatePlatformCertificate,
  type PlatformCertificate,
  type PlatformCertificateOptions
} from './platform-certificates.js'
import { checkAuthorization, type AuthSummary } from './request-auth.js'
import { checkRequest } from './request-checks.js'

export type { Fault } from './faults.js'
export type { PlatformCertificate } from './platform-certificates.js'

/**
 * An in-process WeChat Pay APIv3 that serves GET /v3/marketing/membercard-open/cards and
 * GET /v3/certificates: it verifies merchant signatures and signs its answers as WeChat Pay does
 * (docs/wechatpay-protocol.md §1–§3), with its public key or a platform certificate (§2.4), which it can rotate.
 * It only uses node built-ins, never the service's own signer, verifier or decryptor, so a mistake
 * in one shows up as a failing test instead of hiding in both. It logs nothing: the service logs.
 */
export interface SimulatorOptions {
  mchid: string
  merchantSerialNo: string
  merchantPublicKey: KeyObject
  /** WeChat Pay's public key pair; `signingSerial` is its PUB_KEY_ID_… (docs/wechatpay-protocol.md §2.4 B). */
  signingKey: KeyObject
  signingSerial: string
  /** Platform certificates listed by GET /v3/certificates (docs/wechatpay-protocol.md §2.4 A); the last one signs. */
  certificates?: PlatformCertificate[]
  /** The merchant's APIv3 key, which encrypts that listing; generated when absent. */
  apiv3Key?: string
  /** What /v3/certificates answers when there is no certificate: 404 RESOURCE_NOT_EXISTS (default) or `{"data":[]}`. */
  noCertificates?: 'not-found' | 'empty-list'
  host?: string
  port?: number
  /** Serve over TLS with this key and certificate (PEM), as WeChat Pay does; the url is then https://. */
  tls?: { key: string | Buffer, cert: string | Buffer }
  now?: () => number
  cardsFor?: (appid: string, brandId: string | undefined) => unknown[]
  /**
   * Sandbox mode: how long the service waits for an answer, so a requested `timeout` (X-Sandbox-Fault,
   * requested-faults.ts) outlasts it. Requested faults are played whether or not it is set.
   */
  serviceTimeoutMs?: number
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
  readonly apiv3Key: string
  /** The merchant resets its APIv3 key in the merchant platform: the listing is encrypted with the new one. */
  setApiv3Key (key: string): void
  /** What /v3/certificates lists now. */
  readonly certificates: readonly PlatformCertificate[]
  /** Lists a certificate; with `signing`, platform-certificate answers are signed with it from now on. */
  addCertificate (certificate: PlatformCertificate, options?: { signing?: boolean }): void
  removeCertificate (serial: string): void
  /** A rotation as WeChat Pay does it: a new certificate is listed and signs from now on. */
  rotateCertificate (options?: PlatformCertificateOptions): PlatformCertificate
  /**
   * Signs every answer with this key (a PUB_KEY_ID_… or a listed serial); undefined restores the
   * default: the public key when the request's Wechatpay-Serial names it, else the signing certificate.
   */
  signWith (serial: string | undefined): void
  enqueue (...faults: Fault[]): void
  /** Every answer from now on leaves this long after its request arrived, as a distant WeChat Pay would (0: at once). Survives reset(). */
  setLatency (ms: number): void
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
  let latencyMs = 0
  const arrivals = new WeakMap<IncomingMessage, number>()
  const overrides = new Map<string, unknown[]>()
  const known = new KnownCards()
  const sleepers = new Set<() => void>()
  const certificates: PlatformCertificate[] = [...(opts.certificates ?? [])]
  let apiv3Key = opts.apiv3Key ?? generateApiv3Key()
  let signingCertificate = certificates.at(-1)
  let forcedSerial: string | undefined
  let closed = false

  const sleep = (ms: number): Promise<void> => new Promise((resolve) => {
    const wake = (): void => { clearTimeout(timer); sleepers.delete(wake); resolve() }
    const timer = setTimeout(wake, ms)
    sleepers.add(wake)
  })
  const knownSerial = (serial: string): boolean => serial === opts.signingSerial || certificates.some((c) => c.serial === serial)
  // During the migration WeChat Pay signs with the public key only for requests that name it (§2.4 B).
  const signerFor = (requested: unknown): { key: KeyObject, serial: string } => {
    const serial = forcedSerial ??
      (requested === opts.signingSerial || signingCertificate === undefined ? opts.signingSerial : signingCertificate.serial)
    const certificate = certificates.find((c) => c.serial === serial)
    return certificate === undefined
      ? { key: opts.signingKey, serial: opts.signingSerial }
      : { key: certificate.privateKey, serial: certificate.serial }
  }
  const send = (req: IncomingMessage, res: ServerResponse, answer: Answer, fault?: Fault): void => {
    const prepared = prepareAnswer(
      answer,
      { ...signerFor(req.headers['wechatpay-serial']), nowMs: now() },
      isShapingFault(fault) ? fault : undefined
    )
    // A fixed latency counts from the request's arrival, the simulator's own work (signing
    // included) inside it, as a distant WeChat Pay's latency includes its own.
    const wait = latencyMs - (performance.now() - (arrivals.get(req) ?? 0))
    if (wait <= 0) sendPrepared(res, prepared)
    // A fault's bad header or status throws in writeHead: the socket goes, as handle()'s catch does.
    else sleep(wait).then(() => { sendPrepared(res, prepared) }).catch(() => { res.destroy() })
  }
  const listing = (): Answer => {
    if (certificates.length === 0 && opts.noCertificates !== 'empty-list') {
      // The message merchants onboarded since late 2024 get (docs/wechatpay-protocol.md §2.4 A, wechatpay-php README).
      return errorAnswer(404, 'RESOURCE_NOT_EXISTS', '无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥', undefined, true)
    }
    return { status: 200, body: certificateListing(certificates, apiv3Key), contentType: 'application/json; charset=utf-8', signed: true }
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

    // Step 1: faults that replace the whole exchange win over every check, auth included. One the
    // request itself asks for (sandbox mode's X-Sandbox-Fault) comes first and leaves the queue alone.
    const fault = requestedFault(req.headers[SANDBOX_FAULT_HEADER], opts.serviceTimeoutMs ?? 10_000) ?? faults.shift()
    if (fault?.kind === 'drop') {
      req.socket.destroy()
      return
    }
    if (fault?.kind === 'error') {
      if (fault.delayMs !== undefined) await sleep(fault.delayMs)
      if (closed || res.destroyed) return
      const answer = errorAnswer(fault.status, fault.code, fault.message ?? fault.code, fault.detail, fault.signed ?? false)
      if (fault.headers !== undefined) answer.headers = fault.headers
      return send(req, res, answer)
    }
    if (fault?.kind === 'delay') {
      await sleep(fault.ms)
      if (closed || res.destroyed) return
    }

    const checked = checkRequest({ method, url, headers: req.headers, bodyTooLarge: body === undefined, auth, knownSerial })
    // A `raw` fault stands in for a successful answer only; a rejected request is still rejected.
    if ('reject' in checked) return send(req, res, checked.reject, fault?.kind === 'raw' ? undefined : fault)
    if (fault?.kind === 'raw') {
      const answer: Answer = {
        status: fault.status,
        body: Buffer.from(fault.body, 'utf8'),
        contentType: fault.contentType ?? 'application/json; charset=utf-8',
        signed: fault.signed ?? true
      }
      return send(req, res, answer)
    }
    if (checked.route === 'certificates') return send(req, res, listing(), fault)
    if (checked.route === 'card') return send(req, res, cardAnswer(known.get(checked.cardId)), fault)

    // The endpoint page: `offset` is a page index from 0, so page n holds cards [n*limit, n*limit+limit).
    const { appid, offset, limit, brandId } = checked.query
    const cards = overrides.get(appid) ?? cardsFor(appid, brandId)
    known.add(cards)
    send(req, res, {
      status: 200,
      body: cardsPageBody({ data: cards.slice(offset * limit, offset * limit + limit), totalCount: cards.length, offset, limit }),
      contentType: 'application/json; charset=utf-8',
      signed: true
    }, fault)
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (latencyMs > 0) arrivals.set(req, performance.now())
    // Never let a request take the process down; a broken exchange just loses its socket.
    handle(req, res).catch(() => { res.destroy() })
  }
  const server = opts.tls === undefined ? createServer(onRequest) : createTlsServer({ key: opts.tls.key, cert: opts.tls.cert }, onRequest)
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
    url: `${opts.tls === undefined ? 'http' : 'https'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    calls,
    get apiv3Key () { return apiv3Key },
    setApiv3Key: (key) => { apiv3Key = key },
    get certificates () { return [...certificates] },
    addCertificate: (certificate, options = {}) => {
      certificates.push(certificate)
      if (options.signing === true) signingCertificate = certificate
    },
    removeCertificate: (serial) => {
      const at = certificates.findIndex((c) => c.serial === serial)
      if (at !== -1) certificates.splice(at, 1)
      if (signingCertificate?.serial === serial) signingCertificate = certificates.at(-1)
    },
    rotateCertificate: (options = {}) => {
      const certificate = generatePlatformCertificate({ effectiveTime: new Date(now()), ...options })
      certificates.push(certificate)
      signingCertificate = certificate
      return certificate
    },
    signWith: (serial) => {
      if (serial !== undefined && !knownSerial(serial)) throw new Error(`the simulator holds no key ${serial}`)
      forcedSerial = serial
    },
    enqueue: (...more) => { faults.push(...more) },
    setLatency: (ms) => { latencyMs = ms },
    // Overrides are served as given for that appid, whatever brand_id asks for.
    setCards: (appid, cards) => {
      overrides.set(appid, [...cards])
      known.add(cards)
    },
    reset: () => { calls.length = 0; faults.length = 0; overrides.clear(); known.clear(); forcedSerial = undefined },
    close: () => new Promise<void>((resolve) => {
      closed = true
      for (const wake of [...sleepers]) wake()
      server.close(() => resolve())
      // close() alone waits for keep-alive sockets to idle out; tests must not wait 8 s.
      server.closeAllConnections()
    })
  }
}
