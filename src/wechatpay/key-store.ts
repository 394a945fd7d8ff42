import type { KeyObject } from 'node:crypto'

/**
 * The keys that may verify WeChat Pay answers, by the serial an answer names in `Wechatpay-Serial`:
 * the public key under its `PUB_KEY_ID_…`, platform certificates under their uppercase hex serial.
 * Both kinds can live here at once, as they must during WeChat Pay's migration (docs/wechatpay-protocol.md §2.4).
 */
export class KeyStore {
  readonly #keys = new Map<string, KeyObject>()

  set (serial: string, key: KeyObject): void {
    this.#keys.set(normalizeSerial(serial), key)
  }

  get (serial: string): KeyObject | undefined {
    return this.#keys.get(normalizeSerial(serial))
  }

  delete (serial: string): boolean {
    return this.#keys.delete(normalizeSerial(serial))
  }

  get size (): number {
    return this.#keys.size
  }

  serials (): string[] {
    return [...this.#keys.keys()]
  }
}

// Certificate serials are hex and some tools print them in lower case (apache-httpclient#47);
// public key ids are upper case by construction, so upper-casing both is lossless.
function normalizeSerial (serial: string): string {
  return serial.trim().toUpperCase()
}
