/**
 * How cost grows with the work, each scenario BENCH_SECONDS long: hits spread over 1 to 100,000 small pages
 * primed in Redis, GET /cards/all over lists of 100 to 5,000 cached cards, what Redis holds per page, and
 * forced misses from 1 to 50 callers next to the upstream alone at the same concurrency.
 */
import type { ChildProcess } from 'node:child_process'
import { request } from 'undici'
import { identityOf } from '../src/cache/cache-entry.js'
import { loadOn, type Figure } from './load.js'
import { PagePrimer } from './primed-pages.js'
import { peakRssDuring, rssMb, stop, type PeakRss } from './processes.js'
import { cacheOutcomeTotals } from './service-metrics.js'
import { setCardCount, setUpstreamDelay } from './simulator-control.js'
import type { UpstreamFigure } from './upstream-direct.js'

const PAGE_COUNTS = [1, 1_000, 10_000, 100_000]
// Two cards a page: 100,000 full pages would take 3.5 GB of Redis, these about a seventh of that.
const SMALL_LIMIT = 2
const CARD_LISTS = [100, 1_000, 5_000]
// One call at a time: two (what one caller may run) left the service waiting on the load generator reading
// 7.5 MB answers, and its CPU per answer then measured the waiting.
const LIST_CALLS = 1
const REDIS_PAGES = 1_000
const MISS_CALLERS = [1, 10, 50]
// The bench's own appids, apart from run.ts's wxbench… pages.
const HIT_PREFIX = 'wxgrowthhit'
const MEMORY_PREFIX = 'wxgrowthmem'
const LIST_PREFIX = 'wxgrowthall'

/** The service settings these scenarios need: the longest list is over CARDS_ALL_MAX's default. */
export const GROWTH_SERVICE_ENV = { CARDS_ALL_MAX: String(Math.max(...CARD_LISTS)) }

export interface GrowthContext {
  service: ChildProcess
  base: string
  simulatorControl: string
  redisUrl: string
  mchid: string
  seconds: number
  upstreamDelayMs: number
  /** A full page the service has stored (20 cards): the size Redis's figures are for. */
  hot: { appid: string, limit: number }
  warmUpSeconds: number
  /** Another process of the service as `service` runs, ready; the caller stops it. */
  startService: () => Promise<{ process: ChildProcess, base: string }>
  forcedMisses: (callers: number) => Promise<Figure>
  upstreamAlone: (callers: number) => Promise<UpstreamFigure>
}

export interface PageBytes { limit: number, identityBytes: number, gzipBytes: number, frameBytes: number, memoryUsage: number }

export interface GrowthRun {
  smallPage: PageBytes
  hits: Array<{ pages: number, figure: Figure, rssAfterMb: number }>
  lists: Array<{ cards: number, figure: Figure, peakRssMb: number }>
  /** The lists' service's RSS, idle, before the first list was read: what each list's peak is measured from. */
  listsStartRssMb: number
  listCalls: number
  peakRssMeasuredBy: PeakRss<unknown>['measuredBy']
  redis: { pages: number, page: PageBytes, usedMemoryBefore: number, usedMemoryAfter: number }
  misses: Array<{ callers: number, figure: Figure, upstream: UpstreamFigure }>
  upstreamDelayMs: number
}

export async function runGrowth (context: GrowthContext): Promise<GrowthRun> {
  const primer = await PagePrimer.connect(context.redisUrl, context.mchid)
  let started = performance.now()
  const done = (what: string): void => {
    process.stderr.write(`growth: ${what} done in ${((performance.now() - started) / 1000).toFixed(0)} s\n`)
    started = performance.now()
  }
  try {
    const redis = await redisPerPage(context, primer)
    done('Redis per page')
    const { smallPage, hits } = await hitsOverPages(context, primer)
    // Half a gigabyte of a shared Redis: not a moment longer than needed.
    await primer.deleteAll()
    done('hits over pages')
    const lists = await cardLists(context)
    done('/cards/all lists')
    const misses = await missesByCallers(context)
    done('misses by callers')
    return { smallPage, hits, ...lists, listCalls: LIST_CALLS, redis, misses, upstreamDelayMs: context.upstreamDelayMs }
  } finally {
    await primer.deleteAll()
    primer.close()
  }
}

/** INFO's used_memory before and after priming REDIS_PAGES pages of the hot page's size, and one key's MEMORY USAGE. */
async function redisPerPage ({ hot, base }: GrowthContext, primer: PagePrimer): Promise<GrowthRun['redis']> {
  // Stored again by this build: with BENCH_BEFORE the other build, sharing this Redis, may have stored it last.
  const hotUrl = `${base}/cards?appid=${hot.appid}&offset=0&limit=${hot.limit}`
  const refreshed = await fetch(hotUrl, { headers: { 'cache-control': 'no-cache' } })
  await refreshed.arrayBuffer()
  if (refreshed.status !== 200) throw new Error(`refreshing the hot page: ${refreshed.status}`)
  const stamp = await primer.adopt(hot.appid, hot.limit)
  const appids = Array.from({ length: REDIS_PAGES }, (_, i) => `${MEMORY_PREFIX}${i}`)
  const usedMemoryBefore = await primer.usedMemory()
  await primer.prime(appids, hot.limit, stamp)
  const usedMemoryAfter = await primer.usedMemory()
  const page = await pageBytes(primer, appids[0] ?? '', hot.limit)
  await primer.forget(appids, hot.limit)
  return { pages: REDIS_PAGES, page, usedMemoryBefore, usedMemoryAfter }
}

async function hitsOverPages (context: GrowthContext, primer: PagePrimer): Promise<Pick<GrowthRun, 'smallPage' | 'hits'>> {
  const { service, base, seconds } = context
  const appid = (i: number): string => `${HIT_PREFIX}${i}`
  const path = (i: number): string => `/cards?appid=${appid(i)}&offset=0&limit=${SMALL_LIMIT}`
  // The first page through the service (a miss): the frame every other one is checked against.
  await answer(`${base}${path(0)}`)
  const stamp = await primer.adopt(appid(0), SMALL_LIMIT)
  const smallPage = await pageBytes(primer, appid(0), SMALL_LIMIT)
  const hits: GrowthRun['hits'] = []
  for (const pages of PAGE_COUNTS) {
    // Primed again before each count, so no page goes stale (CACHE_TTL_SECONDS) before the last load is over.
    if (pages > 1) await primer.prime(Array.from({ length: pages }, (_, i) => appid(i)), SMALL_LIMIT, stamp)
    await expectHit(`${base}${path(pages - 1)}`)
    const paths = Array.from({ length: pages }, (_, i) => path(i))
    const figure = await onlyHits(base, async () => await loadOn(service, base, { seconds, paths }))
    hits.push({ pages, figure, rssAfterMb: rssMb(service.pid) })
  }
  return { smallPage, hits }
}

type ListFigures = Pick<GrowthRun, 'lists' | 'listsStartRssMb' | 'peakRssMeasuredBy'>

/**
 * Cached lists on a service process of their own: the main one's RSS still holds, and gives back during
 * the loads, what the scenarios before it left, which would hide what a list costs.
 */
async function cardLists (context: GrowthContext): Promise<ListFigures> {
  const { process: service, base } = await context.startService()
  try {
    return await listsOn(context, service, base)
  } finally {
    await stop(service)
  }
}

/**
 * Each list read once to fill its pages, then loaded. Each peak is measured from the idle RSS before the
 * first list, not from the RSS before its own load: the read that filled its pages leaves memory the
 * allocator keeps.
 */
async function listsOn (context: GrowthContext, service: ChildProcess, base: string): Promise<ListFigures> {
  const lists: GrowthRun['lists'] = []
  const listsStartRssMb = rssMb(service.pid)
  let peakRssMeasuredBy: GrowthRun['peakRssMeasuredBy'] = 'VmHWM'
  for (const cards of CARD_LISTS) {
    const appid = `${LIST_PREFIX}${cards}`
    await setCardCount(context.simulatorControl, appid, cards)
    const url = `${base}/cards/all?appid=${appid}`
    const list = JSON.parse((await answer(url)).body.toString('utf8')) as { data: unknown[], total_count: number }
    if (list.total_count !== cards || list.data.length !== cards) {
      throw new Error(`${url}: ${list.data.length} cards of ${list.total_count}, not the ${cards} the simulator lists`)
    }
    await expectHit(url)
    // A fresh process's first second runs cold code (as in run.ts): not measured.
    if (cards === CARD_LISTS[0]) await loadOn(service, url, { seconds: context.warmUpSeconds, connections: LIST_CALLS })
    const peak = await peakRssDuring(service.pid, async () =>
      await onlyHits(base, async () => await loadOn(service, url, { seconds: context.seconds, connections: LIST_CALLS })))
    peakRssMeasuredBy = peak.measuredBy
    lists.push({ cards, figure: peak.result, peakRssMb: peak.peakMb })
  }
  return { lists, listsStartRssMb, peakRssMeasuredBy }
}

async function missesByCallers (context: GrowthContext): Promise<GrowthRun['misses']> {
  const misses: GrowthRun['misses'] = []
  await setUpstreamDelay(context.simulatorControl, context.upstreamDelayMs)
  try {
    for (const callers of MISS_CALLERS) {
      misses.push({ callers, figure: await context.forcedMisses(callers), upstream: await context.upstreamAlone(callers) })
    }
  } finally {
    await setUpstreamDelay(context.simulatorControl, 0)
  }
  return misses
}

async function pageBytes (primer: PagePrimer, appid: string, limit: number): Promise<PageBytes> {
  const page = await primer.page(appid, limit)
  const stored = await primer.bytesOf(primer.key(appid, limit))
  return { limit, identityBytes: identityOf(page).length, gzipBytes: page.gzip?.length ?? 0, ...stored }
}

/** A load during which the service answered from its cache every time: anything else would be measured as a hit. */
async function onlyHits (base: string, load: () => Promise<Figure>): Promise<Figure> {
  const before = await cacheOutcomeTotals(base)
  const figure = await load()
  const after = await cacheOutcomeTotals(base)
  const others = Object.entries(after)
    .map(([outcome, total]) => [outcome, total - (before[outcome] ?? 0)] as const)
    .filter(([outcome, count]) => outcome !== 'hit' && count > 0)
  if (others.length > 0) throw new Error(`answers that were not hits during a hit scenario: ${JSON.stringify(Object.fromEntries(others))}`)
  return figure
}

async function answer (url: string): Promise<{ body: Buffer, cacheStatus: string }> {
  const reply = await request(url)
  const body = Buffer.from(await reply.body.arrayBuffer())
  if (reply.statusCode !== 200) throw new Error(`${url}: ${reply.statusCode} ${body.toString('utf8').slice(0, 300)}`)
  return { body, cacheStatus: String(reply.headers['cache-status'] ?? '') }
}

async function expectHit (url: string): Promise<void> {
  const { cacheStatus } = await answer(url)
  if (!/; hit(;|$)/.test(cacheStatus)) throw new Error(`${url}: Cache-Status "${cacheStatus}", not a hit: its pages are not primed`)
}
