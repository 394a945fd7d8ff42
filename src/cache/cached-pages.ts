import { setTimeout as sleep } from 'node:timers/promises'
import { ShareRefused, type CallerShare } from '../budget/caller-share.js'
import type { PrepaidTurn } from '../budget/prepaid-turn.js'
import { ProblemError, secondsToWait } from '../problems/problem-error.js'
import type { VerifiedPage } from '../wechatpay/client.js'
import { UpstreamError } from '../wechatpay/upstream-error.js'
import { pageEntry, type CacheEntry, type PageForms } from './cache-entry.js'
import { forwardStatus, hitStatus, type CacheOutcome } from './cache-status.js'
import type { Filled, FleetFill, HeldFill } from './fleet-fill.js'
import { freshness, retentionMs, type Freshness, type FreshnessPolicy } from './freshness.js'
import type { PageKeys, PageStore, StoredRead } from './page-store.js'
import { NegativeAnswers } from './negative-answers.js'
import { SingleFlight } from './single-flight.js'

export interface ServedPage extends PageForms {
  requestId: string | undefined
  etag: string
  ageSeconds: number
  /** Seconds of freshness left, never negative: the max-age a caller may keep the page. */
  maxAgeSeconds: number
  cacheStatus: string
  outcome: CacheOutcome
}

export interface PageRequest {
  /** Fetch even if a fresh page is stored, as far as the caller's allowance goes. */
  noCache?: boolean
  caller?: string | undefined
  /** How long the caller would rather wait for its share than be refused (a walk of many pages); 0: refused at once. */
  shareWaitMs?: number
}

const SHARE_EXCEEDED = 'share-exceeded'

/** A request as it goes on to WeChat Pay, its defaults applied. */
interface Forwarded { noCache: boolean, caller: string | undefined, shareWaitMs: number }

export interface CachedPagesOptions<Q> {
  store: PageStore
  keysOf: (query: Q) => PageKeys
  /** `turn`: its first attempt's upstream turn, taken with the fleet lock. */
  fetch: (query: Q, turn: PrepaidTurn | undefined) => Promise<VerifiedPage>
  fleet?: FleetFill
  policy: FreshnessPolicy
  /** Each caller's share of the upstream budget, taken right before WeChat Pay would be called for it. */
  share?: Pick<CallerShare, 'take' | 'turnOf'>
  /** Errors remembered for a few seconds (an unknown id), so a loop on them costs one call per `ttlMs`. */
  negative?: { ttlMs: number, matches: (error: UpstreamError) => boolean } | undefined
  now?: () => number
  onBackgroundError?: (error: unknown, query: Q) => void
}

export class CachedPages<Q> {
  readonly #options: CachedPagesOptions<Q>
  readonly #now: () => number
  readonly #flights = new SingleFlight<Filled>()
  readonly #negative: NegativeAnswers | undefined

  constructor (options: CachedPagesOptions<Q>) {
    this.#options = options
    this.#now = options.now ?? Date.now
    this.#negative = options.negative === undefined ? undefined : new NegativeAnswers(options.negative.ttlMs, this.#now)
  }

  async getPage (query: Q, { noCache = false, caller, shareWaitMs = 0 }: PageRequest = {}): Promise<ServedPage> {
    const keys = this.#options.keysOf(query)
    const started = this.#now()
    // A forced refresh reads the stored page only if WeChat Pay fails, to serve it stale instead of an error.
    const deferRead = noCache && this.#options.fleet !== undefined
    const read = deferRead ? undefined : await this.#options.store.read(keys)
    const entry = read?.entry
    const known = entry === undefined ? undefined : freshness(entry, started, this.#options.policy)
    if (entry !== undefined && known !== undefined && !noCache) {
      if (known.state === 'fresh') return served(entry, known, 'hit', hitStatus(known.ttlSeconds))
      if (known.state === 'stale') {
        this.#refreshInBackground(keys, query, read?.generation, caller)
        return served(entry, known, 'stale', forwardStatus('stale', { ttlSeconds: known.ttlSeconds }))
      }
    }
    const remembered = noCache ? undefined : this.#negative?.get(keys.page)
    if (remembered !== undefined) throw remembered
    return await this.#forward(keys, query, deferRead ? undefined : read, { noCache, caller, shareWaitMs }, started)
  }

  /** From WeChat Pay, or another request's fetch of it; `read`: what the store held, unless a forced refresh skipped it. */
  async #forward (
    keys: PageKeys, query: Q, read: StoredRead | undefined, { noCache, caller, shareWaitMs }: Forwarded, started: number
  ): Promise<ServedPage> {
    const giveUpAt = started + shareWaitMs
    for (;;) {
      // Joining a fetch already on its way costs the budget nothing, so it costs no share either; and its
      // starter's refusal is not this request's unless both are the same caller's.
      const joining = this.#flights.has(keys.page)
      try {
        const { value, joined } = await this.#flights.run(
          keys.page,
          async () => await this.#fill(keys, query, read?.generation, noCache ? started : undefined, caller)
        )
        const collapsed = joined || value.collapsed
        const status = forwardStatus(noCache ? 'request' : 'miss', {
          stored: value.stored && !collapsed, collapsed, ...(value.unstamped === true ? { detail: 'cache-unavailable' } : {})
        })
        return served(
          value.entry,
          freshness(value.entry, this.#now(), this.#options.policy),
          noCache ? 'bypass' : collapsed ? 'collapsed' : 'miss',
          status
        )
      } catch (err) {
        if (err instanceof ShareRefused) {
          // Another caller's share refused the fetch this request joined: this one asks for its own.
          if (joining && err.caller !== caller) continue
          if (this.#now() + err.waitMs > giveUpAt) return await this.#pastShare(keys, read, err.waitMs)
          await sleep(err.waitMs)
          continue
        }
        if (err instanceof UpstreamError && this.#options.negative?.matches(err) === true) this.#negative?.set(keys.page, err)
        // stale-if-error: a stored page beats an error when WeChat Pay is failing, slow or over quota.
        if (err instanceof UpstreamError && (err.status >= 500 || err.status === 429)) {
          const fallback = (read ?? await this.#options.store.read(keys))?.entry
          if (fallback !== undefined) {
            const now = freshness(fallback, this.#now(), this.#options.policy)
            if (now.state !== 'expired') return served(fallback, now, 'stale-if-error', hitStatus(now.ttlSeconds, 'stale-if-error'))
          }
        }
        throw err
      }
    }
  }

  async #fetchAndStore (keys: PageKeys, query: Q, generation: string | undefined, held: HeldFill): Promise<Filled> {
    const page = await this.#options.fetch(query, held.turn)
    const entry = pageEntry(page.body, { storedAt: this.#now(), requestId: page.requestId ?? '', generation: generation ?? '' })
    // Without a generation (the store was unreachable at read time) the entry could outlive a purge.
    const retention = retentionMs(this.#options.policy)
    const stored = generation !== undefined && (held.storeAndSettle === undefined
      ? await this.#options.store.write(keys, entry, retention)
      : await held.storeAndSettle({ entry, retentionMs: retention }))
    return { entry, stored, collapsed: false, unstamped: generation === undefined }
  }

  async #fill (
    keys: PageKeys, query: Q, generation: string | undefined, notBefore: number | undefined, caller: string | undefined
  ): Promise<Filled> {
    const { fleet, share } = this.#options
    const fetch = async (held: HeldFill): Promise<Filled> => {
      const waitMs = held.shareTaken || caller === undefined ? 0 : await share?.take(caller) ?? 0
      if (waitMs > 0) throw new ShareRefused(waitMs)
      // The generation the lock read is the later one: a purge between this request's read and the lock then counts.
      return await this.#fetchAndStore(keys, query, held.generation ?? generation, held)
    }
    try {
      if (fleet === undefined) return await fetch({ shareTaken: false })
      const usable = (entry: CacheEntry): boolean => notBefore === undefined
        ? freshness(entry, this.#now(), this.#options.policy).state === 'fresh'
        : entry.storedAt >= notBefore
      // What `usable` refuses for certain already: a page older than the TTL is not fresh now or later.
      const storedSince = notBefore ?? this.#now() - this.#options.policy.ttlMs
      return await fleet.fill(keys, usable, fetch, storedSince, caller === undefined ? undefined : share?.turnOf(caller))
    } catch (err) {
      // Whoever refused it (this process or the lock's script), the refusal is this caller's.
      if (err instanceof ShareRefused) err.caller = caller
      throw err
    }
  }

  /** Past the caller's share: the copy it may already have, as long as one is stored, else a 429. */
  async #pastShare (keys: PageKeys, read: StoredRead | undefined, waitMs: number): Promise<ServedPage> {
    const held = (read ?? await this.#options.store.read(keys))?.entry
    const now = held === undefined ? undefined : freshness(held, this.#now(), this.#options.policy)
    if (held !== undefined && now !== undefined && now.state !== 'expired') {
      return served(held, now, now.state === 'fresh' ? 'hit' : 'stale', hitStatus(now.ttlSeconds, SHARE_EXCEEDED))
    }
    const seconds = secondsToWait(waitMs)
    throw new ProblemError('upstream-share-exceeded', 'This caller has used its share of the merchant\'s WeChat Pay budget ' +
      `(UPSTREAM_CALLER_SHARE) and this page is not cached; retry in ${seconds} s.`, {}, {}, seconds)
  }

  #refreshInBackground (keys: PageKeys, query: Q, generation: string | undefined, caller: string | undefined): void {
    if (this.#flights.has(keys.page)) return
    // Any fresh page will do: another replica's refresh may have stored one just before this request read its stale copy.
    // The refresh is the caller's call, within its share; past it the stale page simply stays.
    this.#flights.run(keys.page, async () => await this.#fill(keys, query, generation, undefined, caller))
      .catch((err: unknown) => { if (!(err instanceof ShareRefused)) this.#options.onBackgroundError?.(err, query) })
  }
}

function served (entry: CacheEntry, fresh: Freshness, outcome: CacheOutcome, cacheStatus: string): ServedPage {
  return {
    body: entry.body,
    gzip: entry.gzip,
    requestId: entry.requestId === '' ? undefined : entry.requestId,
    etag: entry.etag,
    ageSeconds: fresh.ageSeconds,
    maxAgeSeconds: Math.max(0, fresh.ttlSeconds),
    cacheStatus,
    outcome
  }
}
