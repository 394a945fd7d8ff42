/**
 * npm run bench:profile: where the service's CPU goes, against the floor each cost is judged by, from
 * V8 CPU profiles (--cpu-prof) taken under the bench's own loads: (d) forced misses against (m) the
 * minimal miss server, (g) gzip hot hits against (a') bare Fastify sending the same gzip bytes, (b)
 * hot hits against (a4) Fastify with one access line written as the service writes its own. Same processes, settings and pinning as
 * bench/run.ts (own ports, so it can run beside it); only the load's windows are counted, start-up and
 * warm-up left out. Prints, per scenario, self time per request by category side by side, and the
 * functions that cost most. PROFILE_SECONDS (5) per load, PROFILE_ROUNDS (3) alternating rounds,
 * PROFILE_INTERVAL_US (1000) between samples, PROFILE_TOP (25) functions; PROFILE_KEEP=1 keeps the
 * .cpuprofile files (for DevTools) and a run.json, which `tsx bench/profile.ts --from <run.json>`
 * reads to print the tables again without running anything.
 */
import type { ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { request } from 'undici'
import { nowUs, profileCosts, type ProfileCosts, type Window } from './cpu-profile.js'
import { imageRuntime } from './image-runtime.js'
import { loadOn, type LoadOptions } from './load.js'
import { pinThisScriptToCpu0, sleep, start, stopAll, stopWithin, waitFor } from './processes.js'
import { loadedServiceEnv, startSimulatedUpstream, trusting } from './simulated-upstream.js'

pinThisScriptToCpu0()

const SECONDS = Number(process.env.PROFILE_SECONDS ?? 5)
const ROUNDS = Number(process.env.PROFILE_ROUNDS ?? 3)
// Node's default. At 250 µs a hit's CPU tripled and its rate fell to a quarter (V8's sampler shares the server's one
// core); at 1000 µs a hit cost what it costs unprofiled, within this machine's noise.
const INTERVAL_US = Number(process.env.PROFILE_INTERVAL_US ?? 1000)
const TOP = Number(process.env.PROFILE_TOP ?? 25)
const KEEP = process.env.PROFILE_KEEP === '1'
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const WARM_UP_SECONDS = 1
const MISS_CALLERS = 10
const UPSTREAM_DELAY_MS = 20
const SIMULATOR_CONTROL_PORT = 19200
const PORTS = { service: 19201, ceiling: 19202, loggedCeiling: 19203, minimal: 19204 }
const HOT = '/cards?appid=wxprofilehot&offset=0&limit=20'
const SPREAD = Array.from({ length: 1000 }, (_, i) => `/cards?appid=wxprofile${i}&offset=0&limit=20`)
const GZIP = { 'accept-encoding': 'gzip' }
// The floors have no signal handling of their own, and a process killed by a signal writes no profile.
const EXIT_ON_SIGTERM = "data:text/javascript,process.once('SIGTERM',()=>process.exit(0))"

type ServerName = keyof typeof PORTS
interface Side { server: ServerName, label: string, path: string, load: Omit<LoadOptions, 'seconds'> }
interface Comparison { title: string, service: Side, floor: Side }

const COMPARISONS: Comparison[] = [
  {
    title: `Forced miss: no-cache over ${SPREAD.length} full pages, upstream ${UPSTREAM_DELAY_MS} ms, ${MISS_CALLERS} callers`,
    service: {
      server: 'service',
      label: '(d) service',
      path: '',
      load: { connections: MISS_CALLERS, headers: { 'cache-control': 'no-cache' }, paths: SPREAD }
    },
    floor: { server: 'minimal', label: '(m) minimal', path: '', load: { connections: MISS_CALLERS, paths: SPREAD } }
  },
  {
    title: 'Gzip hot hit',
    service: { server: 'service', label: '(g) service', path: HOT, load: { headers: GZIP } },
    floor: { server: 'ceiling', label: '(a\') Fastify', path: '/cards.gz', load: { headers: GZIP } }
  },
  {
    title: 'Hot hit',
    service: { server: 'service', label: '(b) service', path: HOT, load: {} },
    floor: { server: 'loggedCeiling', label: '(a4) Fastify + lean line', path: '/cards', load: {} }
  }
]

/** What a side's loads added up to over the rounds, and the profile they are read from. */
interface Measured { profile: string, windows: Window[], requests: number, seconds: number, procCpuUs: number }
interface Run { intervalUs: number, rounds: number, seconds: number, sides: Record<string, Measured> }

async function get (target: string, headers: Record<string, string> = {}): Promise<{ encoding: unknown, body: Buffer }> {
  for (let attempt = 1; ; attempt++) {
    const answer = await request(target, { headers })
    const body = Buffer.from(await answer.body.arrayBuffer())
    if (answer.statusCode === 200) return { encoding: answer.headers['content-encoding'], body }
    // Just started, the service may still shed load (under-pressure): that passes.
    if (answer.statusCode !== 503 || attempt === 20) throw new Error(`${target}: ${answer.statusCode}`)
    await sleep(100)
  }
}

/** The main thread's profile: node names it CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile, the main thread 0. */
function mainThreadProfile (dir: string): string {
  const name = readdirSync(dir).find((file) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(file))
  if (name === undefined) throw new Error(`no main-thread .cpuprofile in ${dir} (did the process exit on SIGTERM?)`)
  return join(dir, name)
}

/** Runs every side's load under the profiler, in alternating rounds, and stops the servers so that they write their profiles. */
async function measure (work: string): Promise<Run> {
  const url = (server: ServerName, path = ''): string => `http://127.0.0.1:${PORTS[server]}${path}`
  const profileFlags = (server: ServerName): string[] => {
    mkdirSync(join(work, server))
    return ['--cpu-prof', `--cpu-prof-dir=${join(work, server)}`, `--cpu-prof-interval=${INTERVAL_US}`]
  }
  const upstream = await startSimulatedUpstream(work, SIMULATOR_CONTROL_PORT)
  const { credentialsFile, control } = upstream
  const trust = trusting(upstream)
  const runtime = imageRuntime()
  process.stderr.write(`service runtime: ${runtime.description}\n`)

  // As bench/run.ts runs it: dist/server.js, default settings, only the upstream budget and the no-cache allowance raised.
  const processes = new Map<ServerName, ChildProcess>()
  const serviceEnv = loadedServiceEnv(upstream, runtime, PORTS.service, REDIS_URL)
  processes.set('service', start([...profileFlags('service'), 'dist/server.js'], serviceEnv))
  await waitFor(url('service', '/readyz'))
  const identity = await get(url('service', HOT))
  const compressed = await get(url('service', HOT), GZIP)
  if (compressed.encoding !== 'gzip' || !gunzipSync(compressed.body).equals(identity.body)) {
    throw new Error('the service sent no gzip form of the hot page')
  }
  writeFileSync(join(work, 'page.json'), identity.body)
  writeFileSync(join(work, 'page.json.gz'), compressed.body)
  const ceiling = (server: ServerName, ...mode: string[]): ChildProcess => start([...profileFlags(server), '--import', EXIT_ON_SIGTERM,
    '--import', 'tsx', 'bench/baseline-server.ts', join(work, 'page.json'), join(work, 'page.json.gz'), String(PORTS[server]), ...mode])
  processes.set('ceiling', ceiling('ceiling'))
  processes.set('loggedCeiling', ceiling('loggedCeiling', 'lean-access-log'))
  processes.set('minimal', start([...profileFlags('minimal'), '--import', EXIT_ON_SIGTERM, '--import', 'tsx',
    'bench/minimal-miss-server.ts', credentialsFile, String(PORTS.minimal), REDIS_URL], { ...trust, ...runtime.env }))
  await waitFor(url('ceiling', '/cards'))
  await waitFor(url('loggedCeiling', '/cards'))
  await waitFor(url('minimal', SPREAD[0] ?? HOT))
  await fetch(`${control}/delay?ms=${UPSTREAM_DELAY_MS}`, { method: 'POST' })

  const sides = COMPARISONS.flatMap((comparison) => [comparison.service, comparison.floor])
  const processOf = (side: Side): ChildProcess => processes.get(side.server) as ChildProcess
  for (const side of sides) await loadOn(processOf(side), url(side.server, side.path), { ...side.load, seconds: WARM_UP_SECONDS })
  type Totals = Omit<Measured, 'profile'>
  const measured = new Map<Side, Totals>(sides.map((side) => [side, { windows: [], requests: 0, seconds: 0, procCpuUs: 0 }]))
  for (let round = 1; round <= ROUNDS; round++) {
    for (const side of sides) {
      const from = nowUs()
      const figure = await loadOn(processOf(side), url(side.server, side.path), { ...side.load, seconds: SECONDS })
      const to = nowUs()
      const m = measured.get(side) as Totals
      m.windows.push({ from, to })
      m.requests += figure.requests
      m.seconds += (to - from) / 1e6
      m.procCpuUs += (figure.cpuPerRequestUs ?? Number.NaN) * figure.requests
    }
    process.stderr.write(`round ${round}/${ROUNDS} done\n`)
  }
  for (const child of processes.values()) await stopWithin(child, 30_000)
  const profiled = (side: Side): Measured => ({ ...(measured.get(side) as Totals), profile: mainThreadProfile(join(work, side.server)) })
  const profiles = Object.fromEntries(sides.map((side) => [side.label, profiled(side)]))
  return { intervalUs: INTERVAL_US, rounds: ROUNDS, seconds: SECONDS, sides: profiles }
}

const f = (us: number): string => us >= 100 ? us.toFixed(0) : us.toFixed(1)

function render (comparison: Comparison, run: Run): string {
  const sides = [comparison.service, comparison.floor]
  const measuredOf = (side: Side): Measured => {
    const measured = run.sides[side.label]
    if (measured === undefined) throw new Error(`no profile of ${side.label}`)
    return measured
  }
  const costs = new Map(sides.map((side) => {
    const m = measuredOf(side)
    return [side, profileCosts(m.profile, m.windows, m.requests)]
  }))
  const [service, floor] = sides.map((side) => costs.get(side) as ProfileCosts) as [ProfileCosts, ProfileCosts]
  const lines = [`## ${comparison.title}`, '',
    '| | requests | req/s | CPU µs/request (/proc, profiled) | main thread sampled, µs/request |', '|---|---|---|---|---|']
  for (const side of sides) {
    const m = measuredOf(side)
    lines.push(`| ${side.label} | ${m.requests} | ${(m.requests / m.seconds).toFixed(0)} | ${f(m.procCpuUs / m.requests)} | ` +
      `${f((costs.get(side) as ProfileCosts).totalUs)} |`)
  }
  // Rows below 0.2% of the service's sampled time are summed into one.
  const floorUs = service.totalUs * 0.002
  const categories = [...new Set([...service.byCategory.keys(), ...floor.byCategory.keys()])]
    .map((category) => ({ category, s: service.byCategory.get(category) ?? 0, m: floor.byCategory.get(category) ?? 0 }))
    .sort((x, y) => (y.s - y.m) - (x.s - x.m))
  const shown = categories.filter((row) => Math.max(row.s, row.m) >= floorUs)
  const rest = categories.filter((row) => Math.max(row.s, row.m) < floorUs)
  const sum = (rows: typeof categories, key: 's' | 'm'): number => rows.reduce((total, row) => total + row[key], 0)
  // The share of each side's own total: what stays comparable when a busy machine inflates every figure.
  const both = (s: number, m: number): string =>
    `${f(s)} (${(100 * s / service.totalUs).toFixed(1)}%) | ${f(m)} (${(100 * m / floor.totalUs).toFixed(1)}%) | ${f(s - m)}`
  lines.push('', `| self time, µs per request (share) | ${comparison.service.label} | ${comparison.floor.label} | difference |`)
  lines.push('|---|---|---|---|')
  for (const row of shown) lines.push(`| ${row.category} | ${both(row.s, row.m)} |`)
  if (rest.length > 0) lines.push(`| ${rest.length} smaller rows | ${both(sum(rest, 's'), sum(rest, 'm'))} |`)
  lines.push(`| **total** | **${f(service.totalUs)}** | **${f(floor.totalUs)}** | **${f(service.totalUs - floor.totalUs)}** |`)
  for (const [side, top] of [[comparison.service, TOP], [comparison.floor, Math.ceil(TOP / 2)]] as const) {
    lines.push('', `Top ${top} self-time functions, ${side.label}:`, '', '| µs/request | function | at | category |', '|---|---|---|---|')
    for (const fn of (costs.get(side) as ProfileCosts).functions.slice(0, top)) {
      lines.push(`| ${f(fn.us)} | ${fn.name} | ${fn.at} | ${[...fn.byCategory.keys()].join(', ')} |`)
    }
  }
  lines.push('', `Top ${TOP} src/ functions of ${comparison.service.label}, each with the library and Node work it calls ` +
    '(each sample charged to the innermost src/ function on its stack, so a hook that calls Fastify\'s `done` also carries the send ' +
    'that follows it):', '', '| µs/request | function | at | mostly |', '|---|---|---|---|')
  for (const fn of service.srcFunctions.slice(0, TOP)) {
    const mostly = [...fn.byCategory].sort(([, x], [, y]) => y - x).slice(0, 3).map(([category, us]) => `${category} ${f(us)}`).join(', ')
    lines.push(`| ${f(fn.us)} | ${fn.name} | ${fn.at} | ${mostly} |`)
  }
  return `${lines.join('\n')}\n`
}

function print (run: Run): void {
  process.stdout.write(`Sampled every ${run.intervalUs} µs, main thread only; ${run.rounds} round(s) × ${run.seconds} s per load. ` +
    'A sample counts wall time, so on a busy machine every figure grows with the time the thread waited for its core: ' +
    'compare shares and sides of one run, not runs.\n\n')
  for (const comparison of COMPARISONS) process.stdout.write(`${render(comparison, run)}\n`)
}

const from = process.argv.indexOf('--from')
if (from !== -1) {
  print(JSON.parse(readFileSync(process.argv[from + 1] ?? '', 'utf8')) as Run)
} else {
  const work = mkdtempSync(join(tmpdir(), 'wxpay-profile-'))
  try {
    const run = await measure(work)
    print(run)
    if (KEEP) {
      writeFileSync(join(work, 'run.json'), JSON.stringify(run, null, 2))
      process.stdout.write(`Profiles kept; print again with: npx tsx bench/profile.ts --from ${join(work, 'run.json')}\n`)
    }
  } finally {
    stopAll()
    if (!KEEP) rmSync(work, { recursive: true, force: true })
  }
}
