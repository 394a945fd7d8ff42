/**
 * The bench's markdown: one table of the load scenarios (medians over rounds, CPU per request
 * against the ceiling of the same bytes), the lines that compare a miss with the upstream and with
 * an RSA signature, the memory figures, and the targets each met or not; then how cost grows with
 * the work (bench/growth-report.ts).
 */
import { renderGrowth } from './growth-report.js'
import type { GrowthRun } from './growth.js'
import type { Figure } from './load.js'
import type { RedisBytesFigure } from './redis-bytes.js'
import type { MemoryMetrics } from './service-metrics.js'
import type { StartupFigure } from './startup.js'
import { median } from './stats.js'
import type { UpstreamFigure } from './upstream-direct.js'

export type LoadScenario = 'a' | 'a3' | 'a4' | 'b' | 'c' | 'a2' | 'g' | 'd' | 'm'

export interface Round {
  load: Record<LoadScenario, Figure>
  upstream: UpstreamFigure
  /** The service's own mean of its successful WeChat Pay attempts during (d), ms. */
  serviceAttemptMs: number
  /** With BENCH_BEFORE: the other build's hot hits and forced misses, in the same round. */
  before?: { b: Figure, d: Figure } | undefined
}

export interface BenchRun {
  at: Date
  machine: string
  rounds: Round[]
  roundSeconds: number
  pinning: boolean
  /** The image's memory settings the service processes ran with (bench/image-runtime.ts). */
  runtime: string
  rsa: { count: number, messageBytes: number, usPerSignature: number }
  herd: { callers: number, upstreamCalls: number, statuses: number[] }
  redis: RedisBytesFigure
  startup: StartupFigure
  rssAfterLoadMb: number
  memory: MemoryMetrics
  growth: GrowthRun
  /** The commit measured beside this build, when BENCH_BEFORE named one. */
  beforeRef?: string | undefined
}

// Each scenario's CPU per request is judged against the ceiling sending the same bytes.
const ROWS: Array<{ key: LoadScenario, label: string, ceiling: LoadScenario }> = [
  { key: 'a', label: '(a) bare Fastify ceiling, same bytes', ceiling: 'a' },
  { key: 'a3', label: '(a3) the same with one access line from an onResponse hook', ceiling: 'a' },
  { key: 'a4', label: '(a4) that line lean: one logger, synchronous 4 KB batches, as the service writes', ceiling: 'a' },
  { key: 'b', label: '(b) /cards hot-page hits, default config', ceiling: 'a' },
  { key: 'c', label: '(c) /cards hits over 1,000 pages', ceiling: 'a' },
  { key: 'a2', label: '(a\') bare Fastify ceiling, same gzip bytes', ceiling: 'a2' },
  { key: 'g', label: '(g) /cards hot-page hits, Accept-Encoding: gzip', ceiling: 'a2' },
  { key: 'd', label: '(d) /cards misses (no-cache), upstream 20 ms, 10 callers', ceiling: 'a' },
  { key: 'm', label: '(m) minimal miss server: sign, TLS fetch, verify, parse, gzip, one Redis SET; 10 callers', ceiling: 'a' }
]

const TARGETS = { hot: 1.3, spread: 1.8, compressed: 1.3, missOverUpstreamMs: 2.5, startupSeconds: 0.7, idleRssMb: 90, rssAfterLoadMb: 130 }
// Against the floors the bench also measures: (a3) Fastify with one access line, (a4) that line lean, (m) a minimal miss.
const FLOORS = { hotVsLogged: 1.1, hotVsLean: 1.3, missCpuVsMinimal: 1.3, missP50OverMinimalMs: 3 }

const ms = (value: number): string => value.toFixed(2)
const times = (value: number): string => `${value.toFixed(2)}×`
const range = (values: number[], digits: number): string =>
  `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`
const met = (ok: boolean): string => (ok ? 'met' : 'not met')

export function renderReport (run: BenchRun): string {
  const med = (key: LoadScenario, field: keyof Figure): number => median(run.rounds.map((round) => round.load[key][field] ?? Number.NaN))
  const upstream = (field: keyof UpstreamFigure): number => median(run.rounds.map((round) => round.upstream[field]))
  const vsCeiling = (key: LoadScenario, ceiling: LoadScenario): number => med(key, 'cpuPerRequestUs') / med(ceiling, 'cpuPerRequestUs')

  const row = ({ key, label, ceiling }: typeof ROWS[number]): string =>
    `| ${label} | ${med(key, 'rps').toFixed(0)} | ${ms(med(key, 'p50'))} | ${ms(med(key, 'p99'))} | ` +
    `${(100 * med(key, 'cpu')).toFixed(0)}% | ${med(key, 'cpuPerRequestUs').toFixed(0)} | ${times(vsCeiling(key, ceiling))} |`
  const missOverUpstream = med('d', 'p50') - upstream('p50')
  const missCpuUs = med('d', 'cpuPerRequestUs')
  const startupSeconds = median(run.startup.readySeconds)
  const idleRss = median(run.startup.idleRssMb)
  const { redis } = run

  const lines = [
    `Run ${run.at.toISOString()} on ${run.machine}, Node ${process.version}; ` +
      `${run.rounds.length} round(s) × ${run.roundSeconds} s, medians; ` +
      (run.pinning ? 'load generator and simulator on CPU 0, servers under test on CPU 1.' : 'nothing pinned (taskset unavailable).') +
      ` The service ran as the image runs it: ${run.runtime}.`,
    '',
    '| Scenario | req/s | p50 ms | p99 ms | server CPU (share of a core) | CPU µs per request | CPU/request vs ceiling |',
    '|---|---|---|---|---|---|---|',
    ...ROWS.map(row),
    `| (u) upstream alone: simulator called directly, signed, 10 callers | ${upstream('rps').toFixed(0)} | ` +
      `${ms(upstream('p50'))} | ${ms(upstream('p99'))} | — | — | — |`,
    '',
    'CPU/request vs ceiling: against (a), except (g) against (a\'), the ceiling sending the same gzip bytes. ' +
      'Server CPU is user + system time from /proc over the load\'s wall time; CPU per request divides it by autocannon\'s ' +
      'completed requests. Well under 100% means the load generator, not the server, set the pace: compare CPU per request.',
    '',
    `- Miss vs upstream: (d) p50 ${ms(med('d', 'p50'))} ms − (u) p50 ${ms(upstream('p50'))} ms = ` +
      `**${ms(missOverUpstream)} ms** of the service's own per miss (target ≤ ${TARGETS.missOverUpstreamMs} ms). ` +
      `(u): the same 20 ms simulator over the same TLS, ${run.pinning ? 'from a process pinned to CPU 1 (idle then), ' : ''}` +
      'the clock started after signing. The service timed its own WeChat Pay attempts in (d) at ' +
      `${ms(median(run.rounds.map((round) => round.serviceAttemptMs)))} ms on average.`,
    `- CPU per miss vs RSA: a miss costs the service **${missCpuUs.toFixed(0)} µs** of CPU; one RSA-2048 signature ` +
      `(PKCS#1 v1.5, SHA-256, ${run.rsa.messageBytes}-byte message, mean of ${run.rsa.count}, ` +
      `${run.pinning ? 'in a child pinned to CPU 1 before any load' : 'unpinned'}) costs ` +
      `**${run.rsa.usPerSignature.toFixed(0)} µs**, ${((100 * run.rsa.usPerSignature) / missCpuUs).toFixed(0)}% of a miss.`,
    `- (e) herd: ${run.herd.callers} concurrent misses for one page over two processes → ${run.herd.upstreamCalls} upstream call(s); ` +
      `statuses ${[...new Set(run.herd.statuses)].join(',')}.`,
    `- Redis bytes per page (\`${redis.key}\`): now ${redis.frameBytes} B (STRLEN), ${redis.memoryUsage} B (MEMORY USAGE): ` +
      `gzip ${redis.gzipBytes} B of an identity body of ${redis.identityBytes} B, + frame header; ` +
      `an identity frame: ${redis.identityOnlyFrameBytes} B, ${redis.identityOnlyMemoryUsage} B (MEMORY USAGE); ` +
      `${times(redis.memoryUsage / redis.identityOnlyMemoryUsage)} the memory.`,
    `- Production start-up (NODE_ENV=production, https upstream, ${run.pinning ? 'pinned to CPU 1, ' : ''}nothing else running), ` +
      `spawn → first 200 from /readyz: **${startupSeconds.toFixed(2)} s** median (${range(run.startup.readySeconds, 2)} s); ` +
      `RSS after 2 s idle: **${idleRss.toFixed(0)} MB** median (${range(run.startup.idleRssMb, 0)} MB); ` +
      `${run.startup.readySeconds.length} starts.`,
    '- (f) service RSS after every scenario of the rounds and the herd (before the growth\'s, which report their own): ' +
      `**${run.rssAfterLoadMb.toFixed(0)} MB** ` +
      `(V8 heap ${run.memory.heapTotalMb.toFixed(0)} MB, of which ${run.memory.heapUsedMb.toFixed(0)} MB used; ` +
      `external ${run.memory.externalMb.toFixed(0)} MB).`,
    '',
    '| Target | Now | Met? |',
    '|---|---|---|',
    target(`hot hits ≤ ${TARGETS.hot}× the ceiling's CPU/request`, times(vsCeiling('b', 'a')), vsCeiling('b', 'a') <= TARGETS.hot),
    target(`hot hits ≤ ${FLOORS.hotVsLogged}× (a3)'s CPU/request`, times(vsCeiling('b', 'a3')), vsCeiling('b', 'a3') <= FLOORS.hotVsLogged),
    target(`hot hits ≤ ${FLOORS.hotVsLean}× (a4)'s CPU/request`, times(vsCeiling('b', 'a4')), vsCeiling('b', 'a4') <= FLOORS.hotVsLean),
    target(`CPU per miss ≤ ${FLOORS.missCpuVsMinimal}× (m)'s`, times(vsCeiling('d', 'm')), vsCeiling('d', 'm') <= FLOORS.missCpuVsMinimal),
    target(`miss p50 over upstream ≤ (m)'s + ${FLOORS.missP50OverMinimalMs} ms`,
      `+${ms(missOverUpstream)} ms against +${ms(med('m', 'p50') - upstream('p50'))} ms`,
      missOverUpstream <= med('m', 'p50') - upstream('p50') + FLOORS.missP50OverMinimalMs),
    target(`spread hits ≤ ${TARGETS.spread}×`, times(vsCeiling('c', 'a')), vsCeiling('c', 'a') <= TARGETS.spread),
    target(`compressed hits ≤ ${TARGETS.compressed}× the precompressed ceiling`, times(vsCeiling('g', 'a2')),
      vsCeiling('g', 'a2') <= TARGETS.compressed),
    target(`miss ≤ +${TARGETS.missOverUpstreamMs} ms over upstream p50`, `+${ms(missOverUpstream)} ms`,
      missOverUpstream <= TARGETS.missOverUpstreamMs),
    target(`start-up ≤ ${TARGETS.startupSeconds} s`, `${startupSeconds.toFixed(2)} s`, startupSeconds <= TARGETS.startupSeconds),
    target(`idle RSS ≤ ${TARGETS.idleRssMb} MB`, `${idleRss.toFixed(0)} MB`, idleRss <= TARGETS.idleRssMb),
    target(`RSS after load ≤ ${TARGETS.rssAfterLoadMb} MB`, `${run.rssAfterLoadMb.toFixed(0)} MB`,
      run.rssAfterLoadMb <= TARGETS.rssAfterLoadMb)
  ]
  return `${[...lines, ...renderGrowth(run.growth), ...beforeAndAfter(run)].join('\n')}\n`
}

/** The same two scenarios on the other build, round by round beside this one's: a change's cost in one run. */
function beforeAndAfter (run: BenchRun): string[] {
  const rounds = run.rounds.filter((round) => round.before !== undefined)
  if (run.beforeRef === undefined || rounds.length === 0) return []
  const now = (key: 'b' | 'd', field: keyof Figure): number => median(rounds.map((round) => round.load[key][field] ?? Number.NaN))
  const then = (key: 'b' | 'd', field: keyof Figure): number => median(rounds.map((round) => round.before?.[key][field] ?? Number.NaN))
  const row = (label: string, key: 'b' | 'd'): string =>
    `| ${label} | ${then(key, 'cpuPerRequestUs').toFixed(0)} | ${now(key, 'cpuPerRequestUs').toFixed(0)} | ` +
    `${times(now(key, 'cpuPerRequestUs') / then(key, 'cpuPerRequestUs'))} | ${ms(then(key, 'p50'))} | ${ms(now(key, 'p50'))} |`
  return [
    '',
    `Before and after: this build against ${run.beforeRef}, built beside it, each scenario in the same rounds (medians).`,
    '',
    '| Scenario | CPU µs/request before | after | after/before | p50 ms before | after |',
    '|---|---|---|---|---|---|',
    row('(b) /cards hot-page hits', 'b'),
    row('(d) /cards misses (no-cache), upstream 20 ms, 10 callers', 'd')
  ]
}

function target (label: string, now: string, ok: boolean): string {
  return `| ${label} | ${now} | ${met(ok)} |`
}
