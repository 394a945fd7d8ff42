import type { IncomingHttpHeaders } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { CircuitBreaker, type BreakerState } from '../circuit-breaker.js'
import type { PrepaidTurn } from '../budget/prepaid-turn.js'
import type { Endpoint } from './endpoint.js'
import { errorFromAnswer } from './error-answer.js'
import { codeLabel } from './errors.js'
import type { RequestSigner } from './request-signer.js'
import type { ResponseVerifier } from './response-verifier.js'
import { backoffMs, decideRetry } from './retry-policy.js'
import { HostTransport, type RawAnswer, type TransportNotice } from './transport.js'
import { UpstreamError } from './upstream-error.js'

export interface UpstreamBudget {
  /** Throws an UpstreamError when no turn comes before `deadline`; a `turn` the fleet lock took is only counted. */
  take: (deadline: number, turn?: PrepaidTurn) => Promise<void>
}

/** Whether some key can verify answers now; when not, business calls are refused before they go out. */
export interface KeyReadiness {
  usable: boolean
  check: string
}

export interface AttemptReport {
  host: string
  endpoint: string
  attempt: number
  outcome: string
  durationMs: number
  wechatCode?: string
}

interface RequestOptions { keyCheck: boolean, turn: PrepaidTurn | undefined, verifies: boolean, label: string, route: string }

const CERTIFICATES_LABEL = 'certificates'

export interface AttemptEnd {
  outcome: string
  status?: number | undefined
  requestId?: string | undefined
  code?: string | undefined
  /** `ok` when the answer's signature verified, the reason when it was refused; absent when none was checked. */
  verification?: string | undefined
}

/** Declared here so the protocol layer needs no tracing library. */
export interface AttemptStart { origin: string, attempt: number, target: string, endpoint: string, route: string }

export interface AttemptObserver {
  attemptStarted: (attempt: AttemptStart) => (end: AttemptEnd) => void
}

export interface WechatpayClientOptions {
  baseUrl: string
  /** Tried after connection-level failures of the primary (docs/wechatpay-protocol.md §4). */
  backupBaseUrl?: string
  sign: RequestSigner
  verify: ResponseVerifier
  /** Sent as Wechatpay-Serial so answers are signed with our public key (docs/wechatpay-protocol.md §2.4 B); undefined: not sent. */
  acceptSerial: string | (() => string | undefined)
  userAgent: string
  /** Headers for the peer besides the protocol's, read on each attempt: sandbox mode's requested fault. */
  extraHeaders?: () => Record<string, string> | undefined
  /** Bounds the whole exchange, retries included. */
  timeoutMs: number
  connectTimeoutMs?: number
  connections?: number
  maxRetries?: number
  budget?: UpstreamBudget
  keys?: () => KeyReadiness
  /**
   * Awaited when an answer names a key we do not hold, perhaps a rotation (docs/wechatpay-protocol.md §2.4 A):
   * true once one is held, and the same bytes are verified again. Must never reject.
   */
  followUnknownSerial?: (serial: string) => Promise<boolean>
  now?: () => number
  random?: () => number
  onAttempt?: (report: AttemptReport) => void
  observer?: AttemptObserver | undefined
  onBreakerChange?: (host: string, state: BreakerState) => void
  onTransportNotice?: (notice: TransportNotice) => void
}

/** A verified, well-shaped answer: the exact bytes WeChat Pay sent. */
export interface VerifiedPage {
  body: Buffer
  requestId: string | undefined
  serial: string
}

/**
 * Per-host breaker so a dead host is skipped instead of costing every request a connect timeout;
 * failover to the backup host when the primary cannot be reached.
 */
export class WechatpayClient {
  readonly #options: WechatpayClientOptions
  readonly #hosts: HostTransport[]
  readonly #now: () => number

  constructor (options: WechatpayClientOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
    const urls = options.backupBaseUrl === undefined ? [options.baseUrl] : [options.baseUrl, options.backupBaseUrl]
    this.#hosts = urls.map((url) => new HostTransport(url, {
      connections: options.connections ?? 16,
      connectTimeoutMs: options.connectTimeoutMs ?? 2_000,
      breaker: new CircuitBreaker({ now: this.#now, onChange: (state) => { options.onBreakerChange?.(new URL(url).host, state) } }),
      onNotice: options.onTransportNotice
    }))
  }

  async call<Q> (endpoint: Endpoint<Q>, query: Q, turn?: PrepaidTurn): Promise<VerifiedPage> {
    try {
      return await this.#request(endpoint.target(query), (answer) => {
        const verified = this.verified(answer)
        const shapeProblem = endpoint.checkShape(answer.body, query)
        if (shapeProblem !== undefined) {
          throw new UpstreamError('upstream-bad-response', shapeProblem, { requestId: answer.requestId, upstreamStatus: answer.status })
        }
        return verified
      }, { keyCheck: true, turn, verifies: true, label: endpoint.label, route: endpoint.route })
    } catch (err) {
      throw err instanceof UpstreamError ? endpointProblem(endpoint, err) : err
    }
  }

  verified (answer: RawAnswer): VerifiedPage {
    const { status, headers, body, requestId } = answer
    if (status < 200 || status > 299) throw errorFromAnswer(status, body, requestId, header(headers, 'retry-after'))
    const verdict = this.#options.verify(headers, body)
    if (!verdict.ok) {
      throw new UpstreamError('upstream-signature-invalid', `answer refused: ${verdict.reason}`, {
        requestId, upstreamStatus: status, verification: verdict.reason, serial: verdict.serial
      })
    }
    return { body, requestId, serial: verdict.serial }
  }

  /**
   * `keyCheck: false` is for the key downloads themselves: they are not refused while no key verifies,
   * and never wait for a download of keys (it would be waiting for itself).
   */
  async request<T> (target: string, interpret: (answer: RawAnswer) => T, { keyCheck = true } = {}): Promise<T> {
    const route = target.split('?', 1)[0] ?? target
    return await this.#request(target, interpret, { keyCheck, turn: undefined, verifies: false, label: CERTIFICATES_LABEL, route })
  }

  async #request<T> (
    target: string, interpret: (answer: RawAnswer) => T,
    { keyCheck, turn, verifies, label, route }: RequestOptions
  ): Promise<T> {
    if (keyCheck) this.#checkKeys()
    const { timeoutMs } = this.#options
    const maxRetries = this.#options.maxRetries ?? 2
    const deadline = this.#now() + timeoutMs
    // An attempt may use half the budget, so one that times out still leaves room for a retry.
    const attemptCap = Math.max(1_000, Math.floor(timeoutMs / 2))
    let preferBackup = false
    let probesRetried = 0
    for (let attempt = 0; ; attempt++) {
      const transport = this.#pickHost(preferBackup)
      if (transport === undefined) {
        throw new UpstreamError('upstream-unreachable', 'every WeChat Pay host is cooling down after connection failures')
      }
      // A turn the fleet lock took serves the first attempt only; retries take their own.
      await this.#options.budget?.take(deadline, attempt === 0 ? turn : undefined)
      const started = this.#now()
      const observed = this.#options.observer?.attemptStarted({ origin: transport.origin, attempt, target, endpoint: label, route })
      let error: UpstreamError
      try {
        const answer = await transport.send(target, this.#headers(target), Math.min(attemptCap, deadline - started))
        transport.breaker.succeeded()
        const result = keyCheck ? await this.#interpretFollowing(interpret, answer, deadline) : interpret(answer)
        const { status, requestId } = answer
        const verification = verifies ? 'ok' : undefined
        this.#report(transport, label, attempt, started, { outcome: 'ok', status, requestId, verification }, observed)
        return result
      } catch (err) {
        if (!(err instanceof UpstreamError)) {
          observed?.({ outcome: 'error' })
          throw err
        }
        error = err
      }
      // Only a failure to reach the host says anything about the host.
      const connectionFailure = error.problem === 'upstream-unreachable'
      if (connectionFailure) transport.breaker.failed()
      this.#report(transport, label, attempt, started, {
        outcome: error.verification ?? codeLabel(error.code) ?? error.problem.replace('upstream-', ''),
        status: error.upstreamStatus,
        requestId: error.requestId,
        code: error.code,
        verification: error.verification
      }, observed)
      const decision = decideRetry(error, connectionFailure, probesRetried)
      if (!decision.retry || attempt >= maxRetries) throw error
      if (error.verification === 'signature-probe') probesRetried++
      // A connection failure's Retry-After is the registry's advice to callers, not WeChat Pay's: back off as usual.
      const wait = backoffMs(attempt, connectionFailure ? undefined : error.retryAfterSeconds, this.#options.random)
      // A retry that cannot finish before the deadline only delays the inevitable answer.
      if (this.#now() + wait >= deadline - 50) throw error
      await sleep(wait)
      if (decision.failover && this.#hosts.length > 1) preferBackup = !preferBackup
    }
  }

  breakerStates (): Array<{ host: string, state: BreakerState }> {
    return this.#hosts.map((h) => ({ host: h.host, state: h.breaker.state }))
  }

  async close (): Promise<void> {
    await Promise.all(this.#hosts.map(async (h) => { await h.close() }))
  }

  /** A rotation is followed on the very answer that revealed it; past the deadline the refusal stands. */
  async #interpretFollowing<T> (interpret: (answer: RawAnswer) => T, answer: RawAnswer, deadline: number): Promise<T> {
    try {
      return interpret(answer)
    } catch (err) {
      const follow = this.#options.followUnknownSerial
      const serial = err instanceof UpstreamError && err.verification === 'unknown-serial' ? err.serial : undefined
      if (follow === undefined || serial === undefined) throw err
      if (!await within(follow(serial), deadline - this.#now())) throw err
      return interpret(answer)
    }
  }

  #checkKeys (): void {
    const keys = this.#options.keys?.()
    if (keys === undefined || keys.usable) return
    throw new UpstreamError('keys-unavailable',
      `The service holds no key that can verify WeChat Pay's answers (${keys.check}); operators: see the log.`)
  }

  #pickHost (preferBackup: boolean): HostTransport | undefined {
    const ordered = preferBackup ? [...this.#hosts].reverse() : this.#hosts
    return ordered.find((h) => h.breaker.allows())
  }

  #headers (target: string): Record<string, string> {
    const { acceptSerial } = this.#options
    const serial = typeof acceptSerial === 'function' ? acceptSerial() : acceptSerial
    return {
      accept: 'application/json',
      'user-agent': this.#options.userAgent,
      ...(serial === undefined ? {} : { 'wechatpay-serial': serial }),
      // Signed per attempt, right before sending: a fresh nonce and timestamp every time.
      authorization: this.#options.sign('GET', target),
      ...this.#options.extraHeaders?.()
    }
  }

  #report (
    transport: HostTransport, endpoint: string, attempt: number, started: number, end: AttemptEnd, observed?: (end: AttemptEnd) => void
  ): void {
    observed?.(end)
    this.#options.onAttempt?.({
      host: transport.host, endpoint, attempt, outcome: end.outcome, durationMs: this.#now() - started, wechatCode: codeLabel(end.code)
    })
  }
}

async function within (work: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<boolean>((resolve) => { timer = setTimeout(resolve, Math.max(0, ms), false) })
  try {
    return await Promise.race([work, expired])
  } finally {
    clearTimeout(timer)
  }
}

function header (headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

function endpointProblem<Q> (endpoint: Endpoint<Q>, error: UpstreamError): UpstreamError {
  const problem = endpoint.problemFor?.(error)
  if (problem === undefined || problem === error.problem) return error
  return new UpstreamError(problem, error.message, {
    code: error.code,
    wechatMessage: error.wechatMessage,
    requestId: error.requestId,
    upstreamStatus: error.upstreamStatus,
    cause: error
  })
}
