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

/** A list one replica downloaded; `body` null: WeChat Pay has no certificate for the merchant. */
export interface SharedListing { fetchedAt: number, body: string | null }

export type Claim = 'won' | 'taken' | 'unavailable'

/**
 * What refreshes share across the fleet (implemented on Redis in src/redis/certificate-store.ts):
 * a claim that lets one replica download per minute, and the list it downloaded. Every call fails
 * open: without the store each replica refreshes on its own.
 */
export interface CertificateSharing {
  claim: () => Promise<Claim>
  /** After a failed download: the next replica (or our own retry) need not wait out the minute. */
  release: () => Promise<void>
  publish: (listing: SharedListing) => Promise<void>
  /** The shared list once it is newer than `than`, or undefined after `ms` (its downloader failed or is slow). */
  waitForNewer: (than: number, ms: number) => Promise<SharedListing | undefined>
}

export interface CertificateSourceOptions {
  download: () => Promise<Download>
  sharing: CertificateSharing | undefined
  apiv3Key: Buffer
  /** Longest wait for another replica's download. */
  sharedWaitMs: number
  now: () => number
}

/**
 * Where a refresh gets the list: a download of its own, or, while another replica's claim stands
 * (it downloaded within the minute, or is downloading), that replica's list from Redis. A failed
 * download releases the claim, so the fleet need not wait out the minute to try again.
 */
export class CertificateSource {
  readonly #options: CertificateSourceOptions
  /** When the list last applied here was fetched: a shared list must be newer to be used. */
  #appliedAt = 0

  constructor (options: CertificateSourceOptions) {
    this.#options = options
  }

  async obtain (): Promise<Obtained> {
    const { sharing } = this.#options
    if (sharing === undefined) return this.#fromDownload(await this.#options.download(), this.#options.now())
    if (await sharing.claim() === 'taken') {
      const shared = await sharing.waitForNewer(this.#appliedAt, this.#options.sharedWaitMs)
      if (shared === undefined) return { kind: 'skipped' }
      this.#appliedAt = shared.fetchedAt
      if (shared.body === null) return { kind: 'none', reason: 'another replica found no platform certificate' }
      // Still encrypted: decrypting it here under our own APIv3 key is what makes it trustworthy.
      const list = parseCertificateList(Buffer.from(shared.body, 'utf8'), this.#options.apiv3Key)
      return { kind: 'listed', ...list, via: 'shared' }
    }
    let download: Download
    try {
      download = await this.#options.download()
    } catch (err) {
      await sharing.release()
      throw err
    }
    const fetchedAt = this.#options.now()
    await sharing.publish({ fetchedAt, body: download.kind === 'listed' ? download.body.toString('utf8') : null })
    return this.#fromDownload(download, fetchedAt)
  }

  #fromDownload (download: Download, fetchedAt: number): Obtained {
    this.#appliedAt = fetchedAt
    if (download.kind === 'none') return download
    return { kind: 'listed', ...download.list, via: download.trust === 'gcm-tag' ? 'download (first, trusted on its GCM tag)' : 'download' }
  }
}
