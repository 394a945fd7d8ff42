import type { Download } from './certificate-download.js'
import { parseCertificateList, type PlatformCertificate } from './certificate-list.js'

/** What one refresh found; `skipped`: another replica holds the claim and shared nothing newer in time. */
export type Obtained =
  | {
    kind: 'listed'
    certificates: PlatformCertificate[]
    skipped: Array<{ serial: string, reason: string }>
    via: 'download' | 'download (first, trusted on its GCM tag)' | 'shared'
  }
  | { kind: 'none', reason: string }
  | { kind: 'skipped' }

export interface SharedListing { fetchedAt: number, body: string | null }

export type Claim = 'won' | 'taken' | 'unavailable'

export type UnknownSerialClaim =
  | { kind: 'won' }
  | { kind: 'taken', since: number, remainingMs: number }
  | { kind: 'unavailable' }

/** Downloads for answers naming an unknown serial: at most one per this, for the fleet (docs/key-modes.md). */
const UNKNOWN_SERIAL_DOWNLOAD_INTERVAL_MS = 60_000

/** Every call fails open: without the store each replica refreshes on its own. */
export interface CertificateSharing {
  claim: () => Promise<Claim>
  /** After a failed download, so the fleet need not wait out the minute. */
  release: () => Promise<void>
  publish: (listing: SharedListing) => Promise<void>
  waitForNewer: (than: number, ms: number) => Promise<SharedListing | undefined>
  /** Never released, so a failed download spends its minute too. */
  claimUnknownSerialDownload: (at: number, ms: number) => Promise<UnknownSerialClaim>
}

export interface CertificateSourceOptions {
  download: () => Promise<Download>
  sharing: CertificateSharing | undefined
  apiv3Key: Buffer
  sharedWaitMs: number
  now: () => number
}

export class CertificateSource {
  readonly #options: CertificateSourceOptions
  #appliedAt = 0
  /** Before this an unknown serial downloads nothing: one such download ran, here or in the fleet. */
  #unknownSerialDownloadsFrom = Number.NEGATIVE_INFINITY

  constructor (options: CertificateSourceOptions) {
    this.#options = options
  }

  async obtain (): Promise<Obtained> {
    const { sharing } = this.#options
    if (sharing !== undefined && await sharing.claim() === 'taken') {
      const shared = await sharing.waitForNewer(this.#appliedAt, this.#options.sharedWaitMs)
      return shared === undefined ? { kind: 'skipped' } : this.#fromShared(shared)
    }
    try {
      return await this.#download()
    } catch (err) {
      await sharing?.release()
      throw err
    }
  }

  mayDownloadForUnknownSerial (): boolean {
    return this.#options.now() >= this.#unknownSerialDownloadsFrom
  }

  /**
   * The shared list cannot settle an unknown serial, as it may predate the rotation: WeChat Pay is asked, once
   * a minute for the fleet.
   */
  async obtainForUnknownSerial (): Promise<Obtained> {
    const { sharing, now } = this.#options
    const at = now()
    if (at < this.#unknownSerialDownloadsFrom) return { kind: 'skipped' }
    const claim = await sharing?.claimUnknownSerialDownload(at, UNKNOWN_SERIAL_DOWNLOAD_INTERVAL_MS) ?? { kind: 'unavailable' }
    if (claim.kind !== 'taken' || sharing === undefined) {
      this.#unknownSerialDownloadsFrom = at + UNKNOWN_SERIAL_DOWNLOAD_INTERVAL_MS
      return await this.#download()
    }
    this.#unknownSerialDownloadsFrom = now() + claim.remainingMs
    // Already holding a list fetched after that claim: it is the one to wait for, or newer.
    if (this.#appliedAt >= claim.since) return { kind: 'skipped' }
    const shared = await sharing.waitForNewer(claim.since - 1, this.#options.sharedWaitMs)
    return shared === undefined ? { kind: 'skipped' } : this.#fromShared(shared)
  }

  async #download (): Promise<Obtained> {
    // Stamped when asked for: a list stamped after a claim was asked for after it.
    const fetchedAt = this.#options.now()
    const download = await this.#options.download()
    await this.#options.sharing?.publish({ fetchedAt, body: download.kind === 'listed' ? download.body.toString('utf8') : null })
    this.#appliedAt = fetchedAt
    if (download.kind === 'none') return download
    return { kind: 'listed', ...download.list, via: download.trust === 'gcm-tag' ? 'download (first, trusted on its GCM tag)' : 'download' }
  }

  #fromShared (shared: SharedListing): Obtained {
    this.#appliedAt = shared.fetchedAt
    if (shared.body === null) return { kind: 'none', reason: 'another replica found no platform certificate' }
    // Still encrypted: decrypting it here under our own APIv3 key is what makes it trustworthy.
    const list = parseCertificateList(Buffer.from(shared.body, 'utf8'), this.#options.apiv3Key)
    return { kind: 'listed', ...list, via: 'shared' }
  }
}
