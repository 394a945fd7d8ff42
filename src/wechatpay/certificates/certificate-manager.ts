import type { KeyStore } from '../key-store.js'
import { Apiv3KeyRejectedError } from './aead.js'
import type { Download } from './certificate-download.js'
import type { PlatformCertificate } from './certificate-list.js'
import { CertificateSet } from './certificate-set.js'
import { CertificateSource, type CertificateSharing, type Obtained } from './certificate-source.js'
import { RefreshSchedule } from './refresh-schedule.js'

export type KeyMode = 'public-key' | 'platform-certificate' | 'both'

export type KeyCheck = 'ok' | 'apiv3-key-rejected' | 'no-platform-certificates' | 'certificates-unavailable' | 'certificates-pending'

export interface KeyHealth {
  usable: boolean
  check: KeyCheck
  detail?: string
}

interface Log {
  info: (fields: object, message: string) => void
  warn: (fields: object, message: string) => void
  error: (fields: object, message: string) => void
  debug: (fields: object, message: string) => void
}

export interface CertificateManagerOptions {
  mchid: string
  publicKeyId: string | undefined
  apiv3Key: Buffer | undefined
  keys: KeyStore
  download: () => Promise<Download>
  sharing?: CertificateSharing | undefined
  refreshIntervalMs: number
  sharedWaitMs: number
  log: Log
  now?: () => number
  startupWaitMs?: number
}

const NEAR_EXPIRY_MS = 30 * 86_400_000
const PUBLIC_KEY_SETTINGS = 'set WECHATPAY_PUBLIC_KEY_ID and WECHATPAY_PUBLIC_KEY_FILE (or WECHATPAY_PUBLIC_KEY), ' +
  'the WeChat Pay public key from merchant platform > Account > API security (微信支付公钥)'

interface Flight { kind: 'routine' | 'unknown-serial', done: Promise<void> }

/**
 * Platform-certificate mode (docs/wechatpay-protocol.md §2.4 A): an unknown serial triggers a download (one a minute
 * for the fleet, which routine refreshes do not spend), so a rotation is followed without a restart.
 */
export class CertificateManager {
  readonly #options: CertificateManagerOptions
  readonly #now: () => number
  readonly #schedule: RefreshSchedule
  readonly #held: CertificateSet
  readonly #source: CertificateSource
  #flight: Flight | undefined
  #rejected: string | undefined
  #problem: { check: KeyCheck, detail: string } | undefined
  readonly #warnedSerials = new Set<string>()

  constructor (options: CertificateManagerOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
    this.#held = new CertificateSet(options.keys)
    this.#source = new CertificateSource({
      download: options.download,
      sharing: options.sharing,
      apiv3Key: options.apiv3Key ?? Buffer.alloc(0),
      sharedWaitMs: options.sharedWaitMs,
      now: this.#now
    })
    this.#schedule = new RefreshSchedule(options.refreshIntervalMs, (reason) => { this.refresh(reason).catch(() => {}) })
  }

  get mode (): KeyMode {
    if (this.#options.apiv3Key === undefined) return 'public-key'
    return this.#options.publicKeyId === undefined ? 'platform-certificate' : 'both'
  }

  async start (): Promise<void> {
    if (this.#options.apiv3Key === undefined) return
    this.#problem = { check: 'certificates-pending', detail: 'the first download of the platform certificates has not finished' }
    this.#schedule.startPeriodic()
    const first = this.refresh('start-up')
    let timer: NodeJS.Timeout | undefined
    // Past this the service starts anyway, not ready, and the download goes on in the background.
    await Promise.race([first, new Promise((resolve) => { timer = setTimeout(resolve, this.#options.startupWaitMs ?? 8_000) })])
    clearTimeout(timer)
    if (this.#problem?.check === 'no-platform-certificates') throw new Error(this.#problem.detail)
  }

  /** The public key ID, else the newest certificate in use (docs/wechatpay-protocol.md §1.5). */
  acceptSerial (): string | undefined {
    if (this.#options.publicKeyId !== undefined) return this.#options.publicKeyId
    this.prune()
    return this.#held.newest(this.#now())?.serial
  }

  newestExpiry (): Date | undefined {
    this.prune()
    return this.#held.newestExpiry()
  }

  certificates (): Array<{ serial: string, expiresAt: Date }> {
    this.prune()
    return this.#held.list().map(({ serial, expiresAt }) => ({ serial, expiresAt }))
  }

  health (): KeyHealth {
    this.prune()
    if (this.#rejected !== undefined) return { usable: false, check: 'apiv3-key-rejected', detail: this.#rejected }
    if (this.#options.publicKeyId !== undefined || this.#held.size > 0) {
      return this.#problem === undefined ? { usable: true, check: 'ok' } : { usable: true, check: 'ok', detail: this.#problem.detail }
    }
    const problem = this.#problem ?? { check: 'certificates-unavailable' as const, detail: 'no platform certificate is held' }
    return { usable: false, ...problem }
  }

  prune (): void {
    const expired = this.#held.prune(this.#now())
    for (const cert of expired) {
      this.#options.log.warn({ serial: cert.serial, expired: cert.expiresAt.toISOString() },
        'WeChat Pay platform certificate expired; dropped')
    }
    if (expired.length > 0 && this.#held.size === 0) {
      // Once per expiry, so it needs no rate limit of its own.
      this.#options.log.info({ reason: 'expired' }, 'refreshing WeChat Pay platform certificates')
      this.refresh('expired').catch(() => {})
    }
  }

  /** A rotation or a forgery: forged serials cost one download a minute at most. Never rejects. */
  async followUnknownSerial (serial: string): Promise<boolean> {
    if (this.#options.apiv3Key === undefined) return false
    if (serial.startsWith('PUB_KEY_ID_')) {
      this.#warnPublicKey(serial)
      return false
    }
    const held = (): boolean => this.#options.keys.get(serial) !== undefined
    // A routine refresh under way may bring it without spending the minute's download.
    while (this.#flight?.kind === 'routine' && !held()) await this.#flight.done
    if (held()) return true
    if (this.#flight === undefined) {
      if (!this.#source.mayDownloadForUnknownSerial()) {
        this.#options.log.debug({ serial }, 'unknown serial refused: an unknown-serial download ran less than a minute ago')
        return false
      }
      this.#options.log.info({ serial, reason: 'unknown-serial' }, 'refreshing WeChat Pay platform certificates')
      this.#start('unknown-serial', 'unknown-serial', async () => await this.#source.obtainForUnknownSerial())
    }
    await this.#flight?.done
    return held()
  }

  async refresh (reason: string): Promise<void> {
    await this.#start('routine', reason, async () => await this.#source.obtain()).done
  }

  close (): void {
    this.#schedule.stop()
  }

  #start (kind: Flight['kind'], reason: string, obtain: () => Promise<Obtained>): Flight {
    this.#flight ??= { kind, done: this.#run(reason, obtain).finally(() => { this.#flight = undefined }) }
    return this.#flight
  }

  #warnPublicKey (serial: string): void {
    // No certificate download can help: the answer is signed with a public key we were not given.
    if (this.#warnedSerials.size >= 16 || this.#warnedSerials.has(serial)) return
    this.#warnedSerials.add(serial)
    this.#options.log.warn({ serial },
      `an answer is signed with WeChat Pay public key ${serial}, which is not configured: ${PUBLIC_KEY_SETTINGS}`)
  }

  async #run (reason: string, obtain: () => Promise<Obtained>): Promise<void> {
    try {
      const outcome = await obtain()
      if (outcome.kind === 'skipped') {
        if (this.#held.size === 0) this.#schedule.retryLater()
        return
      }
      this.#rejected = undefined
      if (outcome.kind === 'none') return this.#applyNone(outcome.reason)
      for (const { serial, reason: why } of outcome.skipped) {
        this.#options.log.warn({ serial, reason: why }, 'a listed platform certificate was left out')
      }
      this.#apply(outcome.certificates, outcome.via, reason)
    } catch (err) {
      this.#failed(err, reason)
    }
  }

  #apply (listed: PlatformCertificate[], via: string, reason: string): void {
    const now = this.#now()
    const usable = listed.filter((cert) => cert.expiresAt.getTime() > now)
    if (usable.length === 0) {
      this.#applyNone('every listed platform certificate has expired')
      return
    }
    const { added, dropped } = this.#held.replace(usable)
    this.#problem = undefined
    this.#schedule.succeeded()

    const expiry = this.#held.newestExpiry()
    const fields = { reason, via, serials: usable.map((cert) => cert.serial), added, dropped, newest_expiry: expiry?.toISOString() }
    if (added.length > 0 || dropped.length > 0) this.#options.log.info(fields, `WeChat Pay platform certificates: ${this.#held.size} held`)
    else this.#options.log.debug(fields, 'WeChat Pay platform certificates unchanged')
    if (expiry !== undefined && expiry.getTime() - now < NEAR_EXPIRY_MS) {
      const days = Math.floor((expiry.getTime() - now) / 86_400_000)
      this.#options.log.warn({ newest_expiry: expiry.toISOString(), days_left: days },
        `the newest WeChat Pay platform certificate expires in ${days} days and no successor is listed yet; ` +
        `WeChat Pay lists one before the switch. If none comes, ${PUBLIC_KEY_SETTINGS}`)
    }
  }

  #applyNone (reason: string): void {
    this.#held.replace([])
    if (this.#options.publicKeyId !== undefined) {
      this.#problem = undefined
      this.#schedule.succeeded()
      this.#options.log.info({ reason }, 'no WeChat Pay platform certificate for this merchant: answers verify with the public key alone')
      return
    }
    const detail = `WeChat Pay has no platform certificate for merchant ${this.#options.mchid} (${reason}): ` +
      `it verifies with the WeChat Pay public key. For that, ${PUBLIC_KEY_SETTINGS}`
    this.#problem = { check: 'no-platform-certificates', detail }
    this.#options.log.error({ reason }, detail)
    this.#schedule.retryLater()
  }

  #failed (err: unknown, reason: string): void {
    const usable = this.#options.publicKeyId !== undefined || this.#held.size > 0
    if (err instanceof Apiv3KeyRejectedError) {
      this.#rejected = err.message
      this.#options.log.error({ reason }, `${err.message}. /cards answers 503 until a refresh succeeds`)
    } else {
      const detail = `downloading the platform certificates failed: ${(err as Error).message}`
      this.#problem = { check: 'certificates-unavailable', detail }
      const fields = { reason, err: { type: (err as Error).name, message: (err as Error).message } }
      if (usable) this.#options.log.warn(fields, `${detail}; answers still verify with the keys held`)
      else this.#options.log.error(fields, `${detail}; no key can verify answers yet`)
    }
    this.#schedule.retryLater()
  }
}
