/**
 * The bench's "How cost grows with the work" table: a group of rows per scenario, each row after a group's
 * first saying how its cost grew against that first row, read from the figures (growthShape); then the two
 * targets on growth, met or not.
 */
import type { GrowthRun } from './growth.js'

export type GrowthShape = 'falls' | 'flat' | 'less than linear' | 'linear' | 'worse than linear'

export interface Growth { ratio: number, exponent: number, shape: GrowthShape }

// Within this factor either way a figure is flat, however much the work grew.
const FLAT_WITHIN = 1.25
// The exponent k of cost ∝ work^k that still reads as linear.
const LINEAR = { from: 0.85, to: 1.15 }
const TARGETS = { spreadOverHot: 2 }

/** How a cost grew from (work0, cost0) to (work1, cost1); undefined when a cost is not positive. */
export function growthShape (work0: number, cost0: number, work1: number, cost1: number): Growth | undefined {
  if (!(cost0 > 0) || !(cost1 > 0)) return undefined
  const ratio = cost1 / cost0
  const exponent = Math.log(ratio) / Math.log(work1 / work0)
  const shape: GrowthShape = ratio < 1 / FLAT_WITHIN
    ? 'falls'
    : ratio <= FLAT_WITHIN
      ? 'flat'
      : exponent < LINEAR.from ? 'less than linear' : exponent <= LINEAR.to ? 'linear' : 'worse than linear'
  return { ratio, exponent, shape }
}

const int = (value: number): string => Math.round(value).toLocaleString('en-US')
const ms = (value: number): string => value.toFixed(2)
const size = (bytes: number): string => (bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`)
const met = (ok: boolean): string => (ok ? 'met' : 'not met')
const times = (ratio: number): string => `×${ratio >= 100 ? int(ratio) : ratio.toFixed(2)}`

/** "CPU per hit ×1.31 for ×1,000 pages: **flat**". */
function grew (what: string, work: [number, number], cost: [number, number], unit: string): string {
  const growth = growthShape(work[0], cost[0], work[1], cost[1])
  if (growth === undefined) return `${what} ${cost[0].toFixed(1)} → ${cost[1].toFixed(1)} for ×${int(work[1] / work[0])} ${unit}: n/a`
  return `${what} ${times(growth.ratio)} for ×${int(work[1] / work[0])} ${unit}: **${growth.shape}**`
}

const cpu = (figure: { cpuPerRequestUs?: number | undefined }): number => figure.cpuPerRequestUs ?? Number.NaN
const plural = (count: number, noun: string): string => `${int(count)} ${noun}${count === 1 ? '' : 's'}`

export function renderGrowth (growth: GrowthRun): string[] {
  const { smallPage, hits, lists, redis, misses } = growth
  const [hot] = hits
  const [shortest] = lists
  const [alone] = misses
  if (hot === undefined || shortest === undefined || alone === undefined) throw new Error('a growth scenario has no rows')
  const widest = hits.at(-1) ?? hot
  const longest = lists.at(-1) ?? shortest
  const rise = (list: typeof shortest): number => list.peakRssMb - growth.listsStartRssMb
  const answerBytes = (list: typeof shortest): number => list.figure.bytesPerResponse
  const overUpstream = (row: typeof alone): number => row.figure.p50 - row.upstream.p50
  const redisBytes = redis.usedMemoryAfter - redis.usedMemoryBefore

  const hitRows = hits.map((row, i) =>
    `| /cards hits over ${plural(row.pages, 'page')}${i === 0 ? ' (hot)' : ''}, Redis primed | ${plural(row.pages, 'page')} | ` +
    `${cpu(row.figure).toFixed(0)} | ${int(row.figure.rps)} req/s, p50 ${ms(row.figure.p50)} ms | ` +
    `RSS after ${row.rssAfterMb.toFixed(0)} MB | ` +
    `${i === 0 ? '—' : grew('CPU per hit', [hot.pages, row.pages], [cpu(hot.figure), cpu(row.figure)], 'pages')} |`)
  const listRows = lists.map((row, i) =>
    `| /cards/all, cached, ${plural(growth.listCalls, 'call')} at a time | ${int(row.cards)} cards, ${size(answerBytes(row))} | ` +
    `${int(cpu(row.figure))} (${(cpu(row.figure) / row.cards).toFixed(1)} per card) | ` +
    `${row.figure.rps.toFixed(1)} answers/s, ${int(answerBytes(row) / row.cards)} B per card, p50 ${ms(row.figure.p50)} ms | ` +
    `peak RSS ${row.peakRssMb.toFixed(0)} MB (+${rise(row).toFixed(1)}) | ` +
    (i === 0
      ? '—'
      : `${grew('CPU per answer', [shortest.cards, row.cards], [cpu(shortest.figure), cpu(row.figure)], 'cards')}; ` +
        grew('peak RSS rise', [answerBytes(shortest), answerBytes(row)], [rise(shortest), rise(row)], 'answer bytes')) +
    ' |')
  const redisRows = [
    `| Redis, one page of ${redis.page.limit} cards (${size(redis.page.identityBytes)} + gzip ${size(redis.page.gzipBytes)}) | ` +
      `1 page | — | STRLEN ${int(redis.page.frameBytes)} B | MEMORY USAGE ${int(redis.page.memoryUsage)} B | — |`,
    `| Redis, ${int(redis.pages)} such pages primed | ${plural(redis.pages, 'page')} | — | ${int(redisBytes / redis.pages)} B per page | ` +
      `used_memory +${size(redisBytes)} | ${grew('memory', [1, redis.pages], [redis.page.memoryUsage, redisBytes], 'pages')} |`
  ]
  const missRows = misses.map((row, i) =>
    `| /cards misses (no-cache), upstream ${growth.upstreamDelayMs} ms, ${plural(row.callers, 'caller')} | ${int(row.callers)} at once | ` +
    `${int(cpu(row.figure))} | ${int(row.figure.rps)} misses/s (${(100 * (row.figure.cpu ?? Number.NaN)).toFixed(0)}% of a core), ` +
    `p50 ${ms(row.figure.p50)} ms = upstream alone ${ms(row.upstream.p50)} (at ${int(row.upstream.rps)}/s) + ` +
    `**${ms(overUpstream(row))}** | — | ` +
    (i === 0
      ? '—'
      : `${grew('CPU per miss', [alone.callers, row.callers], [cpu(alone.figure), cpu(row.figure)], 'callers')}; ` +
        `${grew('misses/s', [alone.callers, row.callers], [alone.figure.rps, row.figure.rps], 'callers')}; ` +
        grew('p50 over the upstream', [alone.callers, row.callers], [overUpstream(alone), overUpstream(row)], 'callers')) +
    ' |')

  const spreadOverHot = cpu(widest.figure) / cpu(hot.figure)
  const rssGrowth = growthShape(answerBytes(shortest), rise(shortest), answerBytes(longest), rise(longest))
  const peakFrom = growth.peakRssMeasuredBy === 'VmHWM'
    ? 'the kernel\'s high-water mark (VmHWM, reset before each load)'
    : growth.peakRssMeasuredBy
  return [
    '',
    '### How cost grows with the work',
    '',
    '| Scenario | Work | CPU µs per answer | Rate, size, latency | Memory | Growth against the group\'s first row |',
    '|---|---|---|---|---|---|',
    ...hitRows,
    ...listRows,
    ...redisRows,
    ...missRows,
    '',
    `Growth: **flat** within ${FLAT_WITHIN}× either way of the group's first row; otherwise named by the exponent k of ` +
      `cost ∝ work^k between the two rows: **less than linear** below ${LINEAR.from}, **linear** up to ${LINEAR.to}, ` +
      '**worse than linear** above. ' +
      `Hits: pages of ${smallPage.limit} cards (${int(smallPage.identityBytes)} B, gzip ${int(smallPage.gzipBytes)} B; ` +
      `frame ${int(smallPage.frameBytes)} B, MEMORY USAGE ${int(smallPage.memoryUsage)} B), the first fetched through the service, ` +
      'the others written into Redis by the bench, frame for frame what the service stores (checked against the frame it stored), ' +
      'again before each count so none goes stale, and deleted after; each count\'s last page was answered as a hit before the ' +
      'load, and every answer during it was a hit. ' +
      '/cards/all: the simulator\'s demo cards, each list read once to fill its pages before the load, on a service process ' +
      `of their own; peak RSS is ${peakFrom}, (+) its rise over that process's ${growth.listsStartRssMb.toFixed(0)} MB, idle, ` +
      'before the first list. ' +
      'Redis: used_memory is the whole server\'s, so another client writing meanwhile counts too. ' +
      'Misses: over the 1,000 pages of (d), against (u) run at the same concurrency; the knee is where misses/s stop growing with ' +
      'the callers and p50 over the upstream starts to. (u) asks as fast as the simulator answers, the service only as fast as ' +
      'it can: where (u) runs at a much higher rate, its p50 is that of a busier simulator than the service met.',
    '',
    '| Target | Now | Met? |',
    '|---|---|---|',
    `| hits over ${int(widest.pages)} pages ≤ ${TARGETS.spreadOverHot}× the hot page's CPU per hit | ` +
      `${spreadOverHot.toFixed(2)}× (${cpu(widest.figure).toFixed(0)} against ${cpu(hot.figure).toFixed(0)} µs) | ` +
      `${met(spreadOverHot <= TARGETS.spreadOverHot)} |`,
    `| /cards/all: peak RSS grows no faster than the answer (${int(shortest.cards)} → ${int(longest.cards)} cards) | ` +
      (rssGrowth === undefined
        ? `no rise at ${int(shortest.cards)} cards to grow from | n/a |`
        : `rise ${times(rssGrowth.ratio)} (k = ${rssGrowth.exponent.toFixed(2)}) for answers ` +
          `${times(answerBytes(longest) / answerBytes(shortest))}: ${rssGrowth.shape} | ` +
          `${met(rssGrowth.exponent <= LINEAR.to)} |`)
  ]
}
