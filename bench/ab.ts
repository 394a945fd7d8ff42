/**
 * npm run bench:ab: this build against another commit's, scenario by scenario, and nothing else, so a
 * change of a few percent can be told from the host's noise. AB_REF=<git ref> is the other build
 * (bench/before-build.ts); AB_SCENARIOS picks from hot (b), gzip (g), spread (c) and miss (d)
 * (default: all four), AB_ROUNDS (6) alternating rounds of AB_SECONDS (5) each. In each round the two
 * builds take turns, the first one alternating from round to round, so neither always runs on a
 * warmer or a busier machine. Same processes, settings and pinning as bench/run.ts, on ports of its own.
 * Prints, per scenario, each build's median CPU per request and p50, their ratio (from the geometric means of the
 * rounds' ratios, each order's apart), each round's, and what going second in a round cost or saved.
 */
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildBefore, describeRef, otherBuildRedisUrl } from './before-build.js'
import { imageRuntime } from './image-runtime.js'
import { loadOn, type Figure, type LoadOptions } from './load.js'
import { pinThisScriptToCpu0, start, stopAll, waitFor } from './processes.js'
import { loadedServiceEnv, startSimulatedUpstream } from './simulated-upstream.js'
import { setUpstreamDelay } from './simulator-control.js'
import { geometricMean, median } from './stats.js'

pinThisScriptToCpu0()

const REF = process.env.AB_REF
if (REF === undefined) throw new Error('AB_REF=<git ref> names the build to measure this one against')
const ROUNDS = Number(process.env.AB_ROUNDS ?? 6)
const SECONDS = Number(process.env.AB_SECONDS ?? 5)
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const SIMULATOR_CONTROL_PORT = 19300
const PORTS = { now: 19301, then: 19302 }
const UPSTREAM_DELAY_MS = 20
const HOT = '/cards?appid=wxabhot&offset=0&limit=20'
const SPREAD = Array.from({ length: 1000 }, (_, i) => `/cards?appid=wxab${i}&offset=0&limit=20`)

// The bench's own loads (bench/run.ts), by the letters its report gives them.
interface Scenario { label: string, upstreamDelayMs: number, load: (url: string) => [string, Omit<LoadOptions, 'seconds'>] }
const SCENARIOS: Record<string, Scenario> = {
  hot: { label: '(b) hot-page hits', upstreamDelayMs: 0, load: (url) => [`${url}${HOT}`, {}] },
  gzip: {
    label: '(g) hot-page hits, gzip',
    upstreamDelayMs: 0,
    load: (url) => [`${url}${HOT}`, { headers: { 'accept-encoding': 'gzip' } }]
  },
  spread: { label: '(c) hits over 1,000 pages', upstreamDelayMs: 0, load: (url) => [url, { paths: SPREAD }] },
  miss: {
    label: `(d) forced misses, upstream ${UPSTREAM_DELAY_MS} ms, 10 callers`,
    upstreamDelayMs: UPSTREAM_DELAY_MS,
    load: (url) => [url, { connections: 10, headers: { 'cache-control': 'no-cache' }, paths: SPREAD }]
  }
}
const chosen = (process.env.AB_SCENARIOS ?? Object.keys(SCENARIOS).join(',')).split(',').map((name) => {
  const scenario = SCENARIOS[name.trim()]
  if (scenario === undefined) throw new Error(`AB_SCENARIOS: ${name} is none of ${Object.keys(SCENARIOS).join(', ')}`)
  return scenario
})

const work = mkdtempSync(join(tmpdir(), 'wxpay-bench-ab-'))
try {
  const upstream = await startSimulatedUpstream(work, SIMULATOR_CONTROL_PORT)
  const { control } = upstream
  const runtime = imageRuntime()
  const env = (port: number, redisUrl = REDIS_URL): Record<string, string> => ({
    ...loadedServiceEnv(upstream, runtime, port, redisUrl),
    // Rounds here last longer than the default minute: pages expiring mid-run would turn hits into refreshes.
    CACHE_TTL_SECONDS: '3600'
  })
  const builds: Record<keyof typeof PORTS, { name: string, server: ChildProcess, url: string }> = {
    now: { name: 'this build', server: start(['dist/server.js'], env(PORTS.now)), url: `http://127.0.0.1:${PORTS.now}` },
    then: { name: describeRef(REF), server: start([buildBefore(REF, join(work, 'then'))], env(PORTS.then, otherBuildRedisUrl(REDIS_URL))), url: `http://127.0.0.1:${PORTS.then}` }
  }
  for (const build of Object.values(builds)) {
    await waitFor(`${build.url}/readyz`)
    // Every page in the cache before any load, as bench/run.ts does: a hit scenario must measure hits only.
    for (const path of [HOT, ...SPREAD]) {
      const answer = await fetch(`${build.url}${path}`)
      await answer.arrayBuffer()
      if (answer.status !== 200) throw new Error(`${build.name} ${path}: ${answer.status}`)
    }
  }

  const figures = new Map(chosen.map((scenario) => [scenario, { now: [] as Figure[], then: [] as Figure[] }]))
  for (let round = 0; round <= ROUNDS; round++) {
    const order: Array<keyof typeof PORTS> = round % 2 === 0 ? ['now', 'then'] : ['then', 'now']
    for (const scenario of chosen) {
      await setUpstreamDelay(control, scenario.upstreamDelayMs)
      for (const side of order) {
        const [url, options] = scenario.load(builds[side].url)
        // Round 0 is the warm-up: cold code, the pages' first fetches. Not counted.
        const figure = await loadOn(builds[side].server, url, { seconds: round === 0 ? 1 : SECONDS, ...options })
          .catch((err: unknown) => { throw new Error(`${scenario.label}, ${builds[side].name}, round ${round}`, { cause: err }) })
        if (round > 0) figures.get(scenario)?.[side].push(figure)
      }
    }
    if (round > 0) process.stderr.write(`round ${round}/${ROUNDS} done\n`)
  }

  const cpu = (list: Figure[]): number => median(list.map((f) => f.cpuPerRequestUs ?? Number.NaN))
  const cell = (list: Figure[]): string => `${cpu(list).toFixed(0)} µs, p50 ${median(list.map((f) => f.p50)).toFixed(2)} ms`
  console.log(`| Scenario | ${builds.now.name} | ${builds.then.name} | this / that, CPU per request | each round's | ` +
    'second of a round / first |')
  console.log('|---|---|---|---|---|---|')
  for (const [scenario, { now, then }] of figures) {
    const ratios = now.map((f, i) => (f.cpuPerRequestUs ?? Number.NaN) / (then[i]?.cpuPerRequestUs ?? Number.NaN))
    // Rounds alternate which build goes first, and the order alone moved a round's ratio by up to a fifth, either
    // way. Per order, the rounds' geometric mean is (this / that) times or divided by the order's effect; the two
    // orders' means then give each apart, however many rounds each had. The ratio of the builds' medians, as
    // before, moved with whichever order's rounds each median fell on.
    // Round 1 (ratios[0]) and every other round after it put 'then' first (the loop above): there 'now' went second.
    const nowSecond = geometricMean(ratios.filter((_, i) => i % 2 === 0))
    const nowFirst = geometricMean(ratios.filter((_, i) => i % 2 === 1))
    const thisOverThat = Number.isNaN(nowFirst) ? nowSecond : Math.sqrt(nowSecond * nowFirst)
    const order = Math.sqrt(nowSecond / nowFirst)
    console.log(`| ${scenario.label} | ${cell(now)} | ${cell(then)} | **${thisOverThat.toFixed(3)}×** | ` +
      `${ratios.map((ratio) => ratio.toFixed(2)).join(', ')} | ${Number.isNaN(order) ? '— (one round)' : `${order.toFixed(2)}×`} |`)
  }
} finally {
  stopAll()
  rmSync(work, { recursive: true, force: true })
}
