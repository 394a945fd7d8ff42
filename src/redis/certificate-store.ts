import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { CertificateSharing, Claim, SharedListing, UnknownSerialClaim } from '../wechatpay/certificates/certificate-source.js'
import type { RedisConnection } from './connection.js'
import type { RedisGuard } from './guard.js'
import { REDIS_KEYS } from './keys.js'
import { CLAIM_OR_TELL_HOLDER, RELEASE_IF_OWNER, runScript } from './scripts.js'

export interface CertificateStoreOptions {
  claimMs?: number
  pollMs?: number
  now?: () => number
}

/** Stored still encrypted: whoever can write to Redis still cannot slip in a certificate. */
export class RedisCertificateStore implements CertificateSharing {
  readonly #redis: RedisConnection
  readonly #guard: RedisGuard
  readonly #keys: { claim: string, unknownSerialClaim: string, listing: string }
  readonly #claimMs: number
  readonly #pollMs: number
  readonly #now: () => number
  #token: string | undefined

  constructor (redis: RedisConnection, guard: RedisGuard, mchid: string, options: CertificateStoreOptions = {}) {
    this.#redis = redis
    this.#guard = guard
    this.#keys = REDIS_KEYS.certificates(mchid)
    this.#claimMs = options.claimMs ?? 60_000
    this.#pollMs = options.pollMs ?? 200
    this.#now = options.now ?? Date.now
  }

  async claim (): Promise<Claim> {
    const token = randomBytes(16).toString('hex')
    const answer = await this.#guard.call(
      async () => await this.#redis.set(this.#keys.claim, token, 'PX', this.#claimMs, 'NX'),
      'unavailable' as const
    )
    if (answer === 'OK') this.#token = token
    return answer === 'OK' ? 'won' : answer === 'unavailable' ? 'unavailable' : 'taken'
  }

  /** Stores when it was made: the others then wait for a list fetched after it, not an older one. */
  async claimUnknownSerialDownload (at: number, ms: number): Promise<UnknownSerialClaim> {
    const answer = await this.#guard.call(
      async () => await runScript(this.#redis, CLAIM_OR_TELL_HOLDER, [this.#keys.unknownSerialClaim], [String(at), ms]),
      undefined
    )
    if (!Array.isArray(answer)) return { kind: 'unavailable' }
    if (answer[0] === 1) return { kind: 'won' }
    const since = Number(answer[1])
    return { kind: 'taken', since: Number.isFinite(since) ? since : 0, remainingMs: Math.max(0, Number(answer[2])) }
  }

  async release (): Promise<void> {
    const token = this.#token
    this.#token = undefined
    if (token !== undefined) {
      await this.#guard.call(async () => await runScript(this.#redis, RELEASE_IF_OWNER, [this.#keys.claim], [token]), undefined)
    }
  }

  async publish (listing: SharedListing): Promise<void> {
    // Kept for a day: a replica only reads it while a claim stands, so it is never older than that.
    await this.#guard.call(async () => await this.#redis.set(this.#keys.listing, JSON.stringify(listing), 'PX', 86_400_000), undefined)
  }

  async read (): Promise<SharedListing | undefined> {
    const text = await this.#guard.call(async () => await this.#redis.get(this.#keys.listing), null)
    if (text === null) return undefined
    try {
      const parsed = JSON.parse(text) as { fetchedAt?: unknown, body?: unknown }
      if (typeof parsed.fetchedAt !== 'number' || (parsed.body !== null && typeof parsed.body !== 'string')) return undefined
      return { fetchedAt: parsed.fetchedAt, body: parsed.body }
    } catch {
      return undefined
    }
  }

  async waitForNewer (than: number, ms: number): Promise<SharedListing | undefined> {
    const deadline = this.#now() + ms
    for (;;) {
      const listing = await this.read()
      if (listing !== undefined && listing.fetchedAt > than) return listing
      if (this.#now() + this.#pollMs > deadline) return undefined
      await sleep(this.#pollMs)
    }
  }
}
