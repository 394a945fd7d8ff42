/**
 * npm run bench: the service against a bare Fastify ceiling, on loopback, bounded in time.
 * (a) ceiling: bare Fastify sending the same page bytes from memory; (b) hot-page hits with the
 * default configuration (logging on, Redis on); (c) hits spread over 1,000 pages; (d) misses forced
 * with no-cache against an upstream answering after 20 ms; (e) a herd of 200 concurrent misses for
 * one page over two service processes; (f) the service's RSS. Three alternating rounds, medians,
 * every ratio against (a) of the same run. The load generator runs on CPU 0, servers on CPU 1.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'

const PINNING = cpus().length >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0
if (PINNING && process.env.BENCH_PINNED === undefined) {
  // Re-run this script pinned to CPU 0, leaving CPU 1 to the servers under test.
  const child = spawnSync('taskset', ['-c', '0', process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...process.env, BENCH_PINNED: '1' } })
  process.exit(child.status ?? 1)
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const work = mkdtempSync(join(tmpdir(), 'wxpay-bench-'))
const children: ChildProcess[] = []
const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/** Servers under test run on CPU 1; the simulator shares CPU 0 with the load generator, so its RSA work is not billed to the service. */
function start (args: string[], env: Record<string, string> = {}, cpu = '1'): ChildProcess {
  const command = PINNING ? ['taskset', '-c', cpu, process.execPath, ...args] : [process.execPath, ...args]
  const child = spawn(command[0] as string, command.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] })
  children.push(child)
  return child
}

async function waitFor (url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(url)).ok) return } catch {}
    await sleep(100)
  }
  throw new Error(`${url} did not come up`)
}

interface Figure { rps: number, p50: number, p99: number, cpu?: number }

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds (pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid ?? 0}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/** The load and how busy the server under test was meanwhile (1 = one whole core). */
async function loadOn (server: ChildProcess, url: string, options: Parameters<typeof load>[1] = {}): Promise<Figure> {
  const before = cpuSeconds(server.pid)
  const figure = await load(url, options)
  return { ...figure, cpu: (cpuSeconds(server.pid) - before) / SECONDS }
}

/** Sum and count of the service's WeChat Pay attempt histogram, from its own /metrics. */
async function upstreamTotals (base: string): Promise<{ sum: number, count: number }> {
  const text = await (await fetch(`${base}/metrics`)).text()
  const total = (name: string): number => text.split('\n')
    .filter((l) => l.startsWith(name) && l.includes('outcome="ok"'))
    .reduce((n, l) => n + Number(l.split(' ').pop()), 0)
  return { sum: total('wechatpay_request_duration_seconds_sum'), count: total('wechatpay_request_duration_seconds_count') }
}

async function load (
  url: string,
  options: { connections?: number, headers?: Record<string, string>, paths?: string[] } = {}
): Promise<Figure> {
  const paths = options.paths
  const result = await autocannon({
    url,
    connections: options.connections ?? 32,
    duration: SECONDS,
    headers: options.headers ?? {},
    ...(paths === undefined
      ? {}
      : {
          requests: [{
            setupRequest: (req: autocannon.Request) => ({ ...req, path: paths[Math.floor(Math.random() * paths.length)] as string })
          }]
        })
  })
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 }
}

try {
  const credentialsFile = join(work, 'credentials.json')
  const simulatorControl = 'http://127.0.0.1:19100'
  start(['--import', 'tsx', 'bench/simulator-process.ts', credentialsFile, '19100'], {}, '0')
  await waitFor(`${simulatorControl}/calls`)
  const credentials = JSON.parse(readFileSync(credentialsFile, 'utf8')) as Record<string, string>
  // The service as deployed: dist/server.js, default settings, logging on (to a file), Redis on.
  // Only the upstream budget and one caller's no-cache allowance are raised, or (d) would measure
  // the 5/s merchant quota and NO_CACHE_PER_MINUTE instead.
  const serviceEnv = (port: number): Record<string, string> => ({
    ...credentials,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    REDIS_URL,
    UPSTREAM_MAX_RPS: '10000',
    NO_CACHE_PER_MINUTE: '1000000'
  })
  const service = start(['dist/server.js'], serviceEnv(19101))
  const base = 'http://127.0.0.1:19101'
  await waitFor(`${base}/healthz`)

  const hot = '/cards?appid=wxbenchhot&offset=0&limit=20'
  const page = Buffer.from(await (await fetch(`${base}${hot}`)).arrayBuffer())
  writeFileSync(join(work, 'page.json'), page)
  const baseline = start(['--import', 'tsx', 'bench/baseline-server.ts', join(work, 'page.json'), '19102'])
  await waitFor('http://127.0.0.1:19102/cards')

  // Full pages (an appid has 23 demo cards): the same ~20 KB as the hot page, so (c) differs from
  // (b) only in where the page comes from.
  const spread = Array.from({ length: 1000 }, (_, i) => `/cards?appid=wxbench${i}&offset=0&limit=20`)
  for (const path of spread) await (await fetch(`${base}${path}`)).arrayBuffer()

  const rounds: Array<Record<string, Figure>> = []
  for (let round = 0; round < ROUNDS; round++) {
    const figures: Record<string, Figure> = {}
    figures.a = await loadOn(baseline, 'http://127.0.0.1:19102/cards')
    figures.b = await loadOn(service, `${base}${hot}`)
    figures.c = await loadOn(service, base, { paths: spread })
    await fetch(`${simulatorControl}/delay?ms=20`, { method: 'POST' })
    const before = await upstreamTotals(base)
    figures.d = await load(base, { connections: 10, headers: { 'cache-control': 'no-cache' }, paths: spread })
    const after = await upstreamTotals(base)
    // What the upstream exchange itself took, as the service measured it: the simulator's 20 ms
    // plus its own signing and our connection, which is not the service's overhead.
    figures.u = { rps: 0, p50: (1000 * (after.sum - before.sum)) / Math.max(1, after.count - before.count), p99: 0 }
    await fetch(`${simulatorControl}/delay?ms=0`, { method: 'POST' })
    rounds.push(figures)
    process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`)
  }

  // (e) The herd: a page nobody has fetched, 200 callers at once over two processes.
  const second = start(['dist/server.js'], serviceEnv(19103))
  await waitFor('http://127.0.0.1:19103/healthz')
  await fetch(`${simulatorControl}/delay?ms=20`, { method: 'POST' })
  await fetch(`${simulatorControl}/reset`, { method: 'POST' })
  await fetch(`${simulatorControl}/delay?ms=20`, { method: 'POST' })
  const herdPath = `/cards?appid=wxherd${Date.now()}&offset=0&limit=20`
  const herd = await Promise.all(Array.from({ length: 200 }, async (_, i) => (await fetch(`http://127.0.0.1:${i % 2 === 0 ? 19101 : 19103}${herdPath}`)).status))
  await sleep(300)
  const herdCalls = Number(await (await fetch(`${simulatorControl}/calls`)).text())
  second.kill()

  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${service.pid ?? 0}/status`, 'utf8'))?.[1] ?? 0)
  // Where the memory is, from the service's own metrics: V8's heap, and memory outside it (Buffers).
  const metricsText = await (await fetch(`${base}/metrics`)).text()
  const metric = (name: string): number => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(metricsText)?.[1] ?? Number.NaN) / 1024 / 1024
  const median = (values: number[]): number => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0
  const med = (key: string, field: keyof Figure): number => median(rounds.map((r) => (r[key] as Figure)[field] ?? 0))
  const ratio = (key: string): string => (med(key, 'rps') / med('a', 'rps')).toFixed(2)
  const row = (label: string, key: string): string =>
    `| ${label} | ${med(key, 'rps').toFixed(0)} | ${med(key, 'p50')} | ${med(key, 'p99')} | ${ratio(key)}× ` +
      `| ${(med(key, 'p99') / Math.max(1, med('a', 'p99'))).toFixed(2)}× | ${key === 'd' ? '' : `${(100 * med(key, 'cpu')).toFixed(0)}%`} |`
  const table = [
    `Run ${new Date().toISOString()} on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ` +
      `${ROUNDS} rounds × ${SECONDS} s, medians;` +
      ` load generator ${PINNING ? 'on CPU 0, servers on CPU 1' : 'and servers unpinned (taskset unavailable)'}.`,
    '',
    '| Scenario | req/s | p50 ms | p99 ms | req/s vs (a) | p99 vs (a) | server CPU |',
    '|---|---|---|---|---|---|---|',
    row('(a) bare Fastify ceiling, same bytes', 'a'),
    row('(b) /cards hot-page hits, default config', 'b'),
    row('(c) /cards hits over 1,000 pages', 'c'),
    row('(d) /cards misses (no-cache), upstream 20 ms, 10 callers', 'd'),
    '',
    `(d) adds ${(med('d', 'p50') - 20).toFixed(1)} ms at p50 over the nominal 20 ms upstream; ` +
      `WeChat Pay attempts (simulator: 20 ms + its signing) took ${med('u', 'p50').toFixed(1)} ms on average ` +
      `as the service measured them, so the service's own share at p50 is about ${(med('d', 'p50') - med('u', 'p50')).toFixed(1)} ms.`,
    `(e) herd: 200 concurrent misses for one page over two processes → ${herdCalls} upstream call(s); ` +
      `statuses ${[...new Set(herd)].join(',')}.`,
    `(f) service RSS after the run: ${(rssKb / 1024).toFixed(0)} MB ` +
      `(V8 heap ${metric('nodejs_heap_size_total_bytes').toFixed(0)} MB, ` +
      `of which ${metric('nodejs_heap_size_used_bytes').toFixed(0)} MB used; ` +
      `external ${metric('nodejs_external_memory_bytes').toFixed(0)} MB).`,
    'Server CPU is the share of one core the server under test used during the load: ' +
      'well under 100% means the load generator, not the server, set the pace.'
  ].join('\n')
  process.stdout.write(`${table}\n`)
  mkdirSync('bench/results', { recursive: true })
  writeFileSync(`bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}.md`, `${table}\n`)
} finally {
  for (const child of children) child.kill()
}
