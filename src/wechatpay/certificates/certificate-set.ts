import type { KeyStore } from '../key-store.js'
import type { PlatformCertificate } from './certificate-list.js'

/** Only certificates are ever removed from the store here: the public key's entry is never touched. */
export class CertificateSet {
  readonly #keys: KeyStore
  #held = new Map<string, PlatformCertificate>()

  constructor (keys: KeyStore) {
    this.#keys = keys
  }

  get size (): number {
    return this.#held.size
  }

  has (serial: string): boolean {
    return this.#held.has(serial)
  }

  list (): PlatformCertificate[] {
    return [...this.#held.values()]
  }

  /** The list is authoritative, so a certificate no longer listed is no longer trusted. */
  replace (certificates: PlatformCertificate[]): { added: string[], dropped: string[] } {
    const before = new Set(this.#held.keys())
    const after = new Map(certificates.map((cert) => [cert.serial, cert]))
    const dropped = [...before].filter((serial) => !after.has(serial))
    for (const serial of dropped) this.#keys.delete(serial)
    for (const cert of certificates) this.#keys.set(cert.serial, cert.publicKey)
    this.#held = after
    return { added: [...after.keys()].filter((serial) => !before.has(serial)), dropped }
  }

  prune (now: number): PlatformCertificate[] {
    const expired = this.list().filter((cert) => cert.expiresAt.getTime() <= now)
    for (const cert of expired) {
      this.#held.delete(cert.serial)
      this.#keys.delete(cert.serial)
    }
    return expired
  }

  newestExpiry (): Date | undefined {
    let newest: Date | undefined
    for (const cert of this.#held.values()) if (newest === undefined || cert.expiresAt > newest) newest = cert.expiresAt
    return newest
  }

  /** Prefers those in effect: a successor is listed before WeChat Pay uses it (docs/wechatpay-protocol.md §2.4 A). */
  newest (now: number): PlatformCertificate | undefined {
    const all = this.list()
    const effective = all.filter((cert) => cert.effectiveAt.getTime() <= now)
    const later = (a: PlatformCertificate, b: PlatformCertificate): boolean =>
      a.effectiveAt.getTime() !== b.effectiveAt.getTime() ? a.effectiveAt > b.effectiveAt : a.expiresAt > b.expiresAt
    return (effective.length > 0 ? effective : all).reduce<PlatformCertificate | undefined>((best, cert) =>
      best === undefined || later(cert, best) ? cert : best, undefined)
  }
}
