/**
 * npm run bench: the service against bare Fastify ceilings, on loopback, bounded in time, every
 * cost as server CPU per request against the ceiling sending the same bytes. Before any load:
 * production start-up and idle RSS, and what one RSA signature costs. Then, after a second of
 * unmeasured warm-up on each server, alternating rounds of (a) the ceiling, (b) hot-page hits,
 * (c) hits over 1,000 pages, (a') the ceiling sending the gzip bytes, (g) hot hits taking gzip,
 * (d) misses forced with no-cache against a 20 ms upstream and (u) that upstream called directly;
 * then (e) a herd, (f) the RSS after it all, and how cost grows with the work (bench/growth.ts).
 * The WeChat Pay simulator speaks TLS. The load generator and the simulator run on CPU 0, servers
 * on CPU 1.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { request } from 'undici'
import { GROWTH_SERVICE_ENV, runGrowth } from './growth.js'
import { loadOn, type Figure } from './load.js'
import { PINNING, pinThisScriptToCpu0, rssMb, runJsonChild, sleep, start, stopAll, stop, waitFor } from './processes.js'
import { loadedServiceEnv, startSimulatedUpstream, trusting } from './simulated-upstream.js'
import { measureRedisBytes } from './redis-bytes.js'
import { renderReport, type BenchRun, type Round } from './report.js'
import { memoryMetrics, upstreamAttemptTotals } from './service-metrics.js'
import { resetSimulator, setUpstreamDelay } from './simulator-control.js'
import { imageRuntime } from './image-runtime.js'
import { measureStartup } from './startup.js'
import { buildBefore, describeRef, otherBuildRedisUrl } from './before-build.js'
import type { UpstreamFigure } from './upstream-direct.js'

pinThisScriptToCpu0()

// Five: a hit's ratio to its floors moved by a third across three-round runs.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
// A commit to measure beside this build, hot hits and forced misses, round by round (bench/before-build.ts).
const BEFORE_REF = process.env.BENCH_BEFORE
const BEFORE = 'http://127.0.0.1:19104'
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const STARTS = 3
// A freshly started server's first second of load runs cold code at a third of its speed; not measured.
const WARM_UP_SECONDS = 1
const MISS_CALLERS = 10
const UPSTREAM_DELAY_MS = 20
const SIMULATOR_CONTROL_PORT = 19100
const SIMULATOR_CONTROL = `http://127.0.0.1:${SIMULATOR_CONTROL_PORT}`
const BASE = 'http://127.0.0.1:19101'
const CEILING = 'http://127.0.0.1:19102'
const LOGGED_CEILING = 'http://127.0.0.1:19106'
const LEAN_LOGGED_CEILING = 'http://127.0.0.1:19108'
const MINIMAL = 'http://127.0.0.1:19105'
// The growth's /cards/all lists, on a service process of their own.
const LISTS = 'http://127.0.0.1:19107'
const HOT_APPID = 'wxbenchhot'
const HOT_LIMIT = 20
const HOT = `/cards?appid=${HOT_APPID}&offset=0&limit=${HOT_LIMIT}`
// Full pages (an appid has 23 demo cards): the hot page's size, so (c) differs from (b) only in
// where the page comes from.
const SPREAD_PREFIX = 'wxbench'
const SPREAD = Array.from({ length: 1000 }, (_, i) => `/cards?appid=${SPREAD_PREFIX}${i}&offset=0&limit=20`)
const GZIP = { 'accept-encoding': 'gzip' }
const work = mkdtempSync(join(tmpdir(), 'wxpay-bench-'))

/** One 200 answer's content-encoding and bytes as they came: undici's request, unlike fetch, never decompresses. */
async function get (url: string, headers: Record<string, string> = {}): Promise<{ encoding: unknown, body: Buffer }> {
  for (let attempt = 1; ; attempt++) {
    const answer = await request(url, { headers })
    const body = Buffer.from(await answer.body.arrayBuffer())
    if (answer.statusCode === 200) return { encoding: answer.headers['content-encoding'], body }
    // Just started, the service may still shed load (under-pressure's event-loop delay): that passes.
    if (answer.statusCode !== 503 || attempt === 20) throw new Error(`${url}: ${answer.statusCode} ${body.toString('utf8').slice(0, 300)}`)
    await sleep(100)
  }
}

try {
  const upstream = await startSimulatedUpstream(work, SIMULATOR_CONTROL_PORT)
  const { certificate, credentialsFile, credentials } = upstream
  const trust = trusting(upstream)
  // The memory settings of the production image, so that RSS and CPU are the deployed process's.
  const runtime = imageRuntime()

  // While nothing else runs: the service as deployed, then one signature's cost.
  const startup = await measureStartup({
    env: { ...credentials, ...trust, ...runtime.env, NODE_ENV: 'production', HOST: '127.0.0.1', REDIS_URL },
    port: 19110,
    starts: STARTS,
    logDir: work
  })
  const rsa = await runJsonChild<BenchRun['rsa']>(['--import', 'tsx', 'bench/rsa-sign-process.ts', '500'])

  // And CARDS_ALL_MAX for the growth's longest list.
  const serviceEnv = (port: number): Record<string, string> =>
    ({ ...loadedServiceEnv(upstream, runtime, port, REDIS_URL), ...GROWTH_SERVICE_ENV })
  const service = start(['dist/server.js'], serviceEnv(19101))
  await waitFor(`${BASE}/readyz`)
  const before = BEFORE_REF === undefined
    ? undefined
    : start([buildBefore(BEFORE_REF, join(work, 'before'))], { ...serviceEnv(19104), REDIS_URL: otherBuildRedisUrl(REDIS_URL) })
  if (before !== undefined) await waitFor(`${BEFORE}/readyz`)

  const identity = await get(`${BASE}${HOT}`)
  const compressed = await get(`${BASE}${HOT}`, GZIP)
  if (compressed.encoding !== 'gzip' || !gunzipSync(compressed.body).equals(identity.body)) {
    throw new Error(`the service did not answer the hot page with its gzip form (content-encoding: ${String(compressed.encoding)})`)
  }
  writeFileSync(join(work, 'page.json'), identity.body)
  writeFileSync(join(work, 'page.json.gz'), compressed.body)
  const ceiling = start(['--import', 'tsx', 'bench/baseline-server.ts', join(work, 'page.json'), join(work, 'page.json.gz'), '19102'])
  await waitFor(`${CEILING}/cards`)
  const loggedCeiling = start(['--import', 'tsx', 'bench/baseline-server.ts', join(work, 'page.json'), join(work, 'page.json.gz'), '19106',
    'access-log'])
  await waitFor(`${LOGGED_CEILING}/cards`)
  const leanLoggedCeiling = start(['--import', 'tsx', 'bench/baseline-server.ts', join(work, 'page.json'), join(work, 'page.json.gz'),
    '19108', 'lean-access-log'])
  await waitFor(`${LEAN_LOGGED_CEILING}/cards`)
  const minimal = start(['--import', 'tsx', 'bench/minimal-miss-server.ts', credentialsFile, '19105', REDIS_URL],
    { ...trust, ...runtime.env })
  await waitFor(`${MINIMAL}${SPREAD[0] ?? HOT}`)
  for (const path of SPREAD) await get(`${BASE}${path}`)
  const redis = await measureRedisBytes(REDIS_URL, credentials.WECHATPAY_MCHID, HOT_APPID)

  // Bytes per answer tell a gzip body from an identity one; anything nearer the identity size was not compressed.
  const checkCompressed = (label: string, figure: Figure): void => {
    if (figure.bytesPerResponse > (identity.body.length + compressed.body.length) / 2) {
      throw new Error(`${label}: ${figure.bytesPerResponse.toFixed(0)} bytes per answer: not the ${compressed.body.length}-byte gzip form`)
    }
  }
  await loadOn(ceiling, `${CEILING}/cards`, { seconds: WARM_UP_SECONDS })
  await loadOn(loggedCeiling, `${LOGGED_CEILING}/cards`, { seconds: WARM_UP_SECONDS })
  await loadOn(leanLoggedCeiling, `${LEAN_LOGGED_CEILING}/cards`, { seconds: WARM_UP_SECONDS })
  await loadOn(minimal, MINIMAL, { seconds: WARM_UP_SECONDS, connections: MISS_CALLERS, paths: SPREAD })
  await loadOn(ceiling, `${CEILING}/cards.gz`, { seconds: WARM_UP_SECONDS, headers: GZIP })
  await loadOn(service, `${BASE}${HOT}`, { seconds: WARM_UP_SECONDS })
  await loadOn(service, `${BASE}${HOT}`, { seconds: WARM_UP_SECONDS, headers: GZIP })
  await loadOn(service, BASE, { seconds: WARM_UP_SECONDS, paths: SPREAD })
  if (before !== undefined) await loadOn(before, `${BEFORE}${HOT}`, { seconds: WARM_UP_SECONDS })
  const rounds: Round[] = []
  const forcedMisses = async (server: typeof service, url: string, callers = MISS_CALLERS): Promise<Figure> =>
    await loadOn(server, url, { seconds: SECONDS, connections: callers, headers: { 'cache-control': 'no-cache' }, paths: SPREAD })
  const upstreamAlone = async (callers: number): Promise<UpstreamFigure> => await runJsonChild<UpstreamFigure>([
    '--import', 'tsx', 'bench/upstream-direct-process.ts',
    credentialsFile, certificate.certFile, String(callers), String(SECONDS), SPREAD_PREFIX, String(SPREAD.length)
  ])
  for (let round = 0; round < ROUNDS; round++) {
    const a = await loadOn(ceiling, `${CEILING}/cards`, { seconds: SECONDS })
    const a3 = await loadOn(loggedCeiling, `${LOGGED_CEILING}/cards`, { seconds: SECONDS })
    const a4 = await loadOn(leanLoggedCeiling, `${LEAN_LOGGED_CEILING}/cards`, { seconds: SECONDS })
    const b = await loadOn(service, `${BASE}${HOT}`, { seconds: SECONDS })
    const c = await loadOn(service, BASE, { seconds: SECONDS, paths: SPREAD })
    const a2 = await loadOn(ceiling, `${CEILING}/cards.gz`, { seconds: SECONDS, headers: GZIP })
    checkCompressed('(a\')', a2)
    const g = await loadOn(service, `${BASE}${HOT}`, { seconds: SECONDS, headers: GZIP })
    checkCompressed('(g)', g)
    await setUpstreamDelay(SIMULATOR_CONTROL, UPSTREAM_DELAY_MS)
    const attemptsBefore = await upstreamAttemptTotals(BASE)
    const d = await forcedMisses(service, BASE)
    const attemptsAfter = await upstreamAttemptTotals(BASE)
    const m = await loadOn(minimal, MINIMAL, { seconds: SECONDS, connections: MISS_CALLERS, paths: SPREAD })
    // The other build, hot hits and forced misses, in the same round: the same machine and minutes.
    const then = before === undefined
      ? undefined
      : { d: await forcedMisses(before, BEFORE), b: await loadOn(before, `${BEFORE}${HOT}`, { seconds: SECONDS }) }
    const upstream = await upstreamAlone(MISS_CALLERS)
    await setUpstreamDelay(SIMULATOR_CONTROL, 0)
    rounds.push({
      load: { a, a3, a4, b, c, a2, g, d, m },
      upstream,
      serviceAttemptMs: (1000 * (attemptsAfter.sum - attemptsBefore.sum)) / Math.max(1, attemptsAfter.count - attemptsBefore.count),
      before: then
    })
    process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`)
  }

  // (e) The herd: a page nobody has fetched, 200 callers at once over two processes.
  const second = start(['dist/server.js'], serviceEnv(19103))
  await waitFor('http://127.0.0.1:19103/readyz')
  await resetSimulator(SIMULATOR_CONTROL)
  await setUpstreamDelay(SIMULATOR_CONTROL, UPSTREAM_DELAY_MS)
  const herdPath = `/cards?appid=wxherd${Date.now()}&offset=0&limit=20`
  const statuses = await Promise.all(Array.from({ length: 200 }, async (_, i) => {
    const answer = await fetch(`http://127.0.0.1:${i % 2 === 0 ? 19101 : 19103}${herdPath}`)
    await answer.arrayBuffer()
    return answer.status
  }))
  await sleep(300)
  const upstreamCalls = Number(await (await fetch(`${SIMULATOR_CONTROL}/calls`)).text())
  await stop(second)

  // (f) After every scenario of the rounds and the herd; the growth's come after, with RSS figures of their own.
  const rssAfterLoadMb = rssMb(service.pid)
  const memory = await memoryMetrics(BASE)
  await setUpstreamDelay(SIMULATOR_CONTROL, 0)

  const growth = await runGrowth({
    service,
    base: BASE,
    simulatorControl: SIMULATOR_CONTROL,
    redisUrl: REDIS_URL,
    mchid: credentials.WECHATPAY_MCHID,
    seconds: SECONDS,
    upstreamDelayMs: UPSTREAM_DELAY_MS,
    hot: { appid: HOT_APPID, limit: HOT_LIMIT },
    warmUpSeconds: WARM_UP_SECONDS,
    startService: async () => {
      const child = start(['dist/server.js'], serviceEnv(19107))
      await waitFor(`${LISTS}/readyz`)
      return { process: child, base: LISTS }
    },
    forcedMisses: async (callers) => await forcedMisses(service, BASE, callers),
    upstreamAlone
  })

  const report = renderReport({
    at: new Date(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
    rounds,
    roundSeconds: SECONDS,
    pinning: PINNING,
    runtime: runtime.description,
    rsa,
    herd: { callers: statuses.length, upstreamCalls, statuses },
    redis,
    startup,
    rssAfterLoadMb,
    memory,
    growth,
    beforeRef: BEFORE_REF === undefined ? undefined : describeRef(BEFORE_REF)
  })
  process.stdout.write(report)
  mkdirSync('bench/results', { recursive: true })
  writeFileSync(`bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}.md`, report)
} finally {
  stopAll()
  // The credentials and the certificate's key are throw-away, but need not outlive the run.
  rmSync(work, { recursive: true, force: true })
}
