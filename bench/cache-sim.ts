/**
 * npm run bench:cache-sim: whether the calls a forced miss shares with (m), the minimal miss server (zlib, OpenSSL),
 * do more work in the service or miss the CPU's caches more often there. A V8 profile sees either only as time,
 * and this VM exposes no hardware counters, so both servers run under valgrind's callgrind with its cache
 * simulator, which counts instructions and simulated misses per function. Only the measured misses are
 * instrumented (callgrind_control turns it on and off), after a warm-up. Valgrind runs every thread of a
 * process on one simulated core, as the bench pins each server to one core. Anything on a timer (metrics,
 * event-loop sampling) runs some fifty times as often per request as it would natively: compare per-call rows.
 * CACHE_SIM_MISSES (150) measured forced misses over 1,000 full pages, one at a time, after CACHE_SIM_WARM (400);
 * CACHE_SIM_KEEP=1 keeps the outputs, which `tsx bench/cache-sim.ts --from <dir>` reads again.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { groupedCounts, type Counts } from './callgrind-groups.js'
import { imageRuntime } from './image-runtime.js'
import { PINNING, stopAll, stopWithin, waitFor } from './processes.js'
import { loadedServiceEnv, startSimulatedUpstream, trusting } from './simulated-upstream.js'
import { setUpstreamDelay } from './simulator-control.js'

const MISSES = Number(process.env.CACHE_SIM_MISSES ?? 150)
const WARM = Number(process.env.CACHE_SIM_WARM ?? 400)
// One at a time: under the simulator a request takes a second or more, and ten at once would stall the event loop
// past what the budget's and the lock's timings tolerate (refusals the bench never sees). Between two of one
// server's gzip calls still runs all of that server's own work for a miss, which is what is compared.
const CALLERS = Number(process.env.CACHE_SIM_CALLERS ?? 1)
// This host's caches, set rather than detected: its 32 KiB L1s, and its per-core 512 KiB L2 as the last level
// callgrind simulates, where the work that shares a core with a call would evict its data first. CACHE_SIM_LL for another.
const L1 = '32768,8,64'
const LL = process.env.CACHE_SIM_LL ?? '524288,8,64'
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const SIMULATOR_CONTROL_PORT = 19400
const PORTS = { service: 19401, minimal: 19402 }
const PAGES = Array.from({ length: 1000 }, (_, i) => `/cards?appid=wxsim${i}&offset=0&limit=20`)
const STARTUP_LIMIT_MS = 300_000
const STOP_LIMIT_MS = 120_000
// What a run keeps beside the outputs, for --from.
const SETTINGS_FILE = 'settings.json'
interface Settings { misses: number, lastLevel: string }

/** A server under callgrind, pinned as the bench pins its servers; its output, log and valgrind's own messages in `work`. */
function underCallgrind (name: string, args: string[], env: Record<string, string>, work: string): ChildProcess {
  const log = openSync(join(work, `${name}.log`), 'w')
  const options = ['--tool=callgrind', '--fair-sched=yes', '--instr-atstart=no', '--cache-sim=yes', `--I1=${L1}`, `--D1=${L1}`,
    `--LL=${LL}`, `--callgrind-out-file=${join(work, `${name}.callgrind`)}`, `--log-file=${join(work, `${name}.valgrind.log`)}`]
  const command = [...(PINNING ? ['taskset', '-c', '1'] : []), 'valgrind', ...options, process.execPath, ...args]
  const child = spawn(command[0] as string, command.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', log, log] })
  closeSync(log)
  return child
}

/** `count` requests, `CALLERS` at a time, each to a page at random; fails on anything but 200. */
async function misses (base: string, count: number, headers: Record<string, string>): Promise<void> {
  let left = count
  await Promise.all(Array.from({ length: CALLERS }, async () => {
    while (left-- > 0) {
      const answer = await fetch(`${base}${PAGES[Math.floor(Math.random() * PAGES.length)] ?? ''}`, { headers })
      const body = await answer.text()
      if (answer.status !== 200) throw new Error(`${base}: ${answer.status} ${body}`)
    }
  }))
}

/** valgrind names its control pipes after $HOST (the service's listen address here): vgdb must be given the same. */
function control (pid: number, env: Record<string, string>, ...args: string[]): void {
  const done = spawnSync('callgrind_control', [...args, String(pid)],
    { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 })
  if (done.error !== undefined) throw done.error
  if (done.status !== 0) throw new Error(`callgrind_control ${args.join(' ')}: ${done.stderr}`)
}

async function measureOne (
  name: keyof typeof PORTS, args: string[], env: Record<string, string>, work: string, headers: Record<string, string>
): Promise<Map<string, Counts>> {
  const child = underCallgrind(name, args, env, work)
  const base = `http://127.0.0.1:${PORTS[name]}`
  try {
    await waitFor(`${base}${name === 'service' ? '/readyz' : PAGES[0] ?? ''}`, { withinMs: STARTUP_LIMIT_MS, server: child })
    await misses(base, WARM, headers)
    control(child.pid as number, env, '-i', 'on')
    await misses(base, MISSES, headers)
    control(child.pid as number, env, '-i', 'off')
  } catch (err) {
    throw new Error(`${name} under callgrind (its logs: ${join(work, name)}.log, .valgrind.log)`, { cause: err })
  } finally {
    // SIGTERM, so that callgrind writes its counts as the process exits.
    await stopWithin(child, STOP_LIMIT_MS)
  }
  const outFile = join(work, `${name}.callgrind`)
  if (!existsSync(outFile)) throw new Error(`${name}: callgrind wrote no ${outFile}`)
  return groupedCounts(outFile)
}

function render (service: Map<string, Counts>, minimal: Map<string, Counts>, { misses, lastLevel }: Settings): string {
  const per = (n: number): string => (n / misses).toFixed(0)
  const d1 = (c: Counts | undefined): number => (c?.D1mr ?? 0) + (c?.D1mw ?? 0)
  const ll = (c: Counts | undefined): number => (c?.DLmr ?? 0) + (c?.DLmw ?? 0)
  const lines = [`Per forced miss (${misses} measured), self counts by what the code belongs to; L1 ${L1}, last level ${lastLevel}`,
    '', '| code | instructions, service | (m) | L1 data misses, service | (m) | last-level data misses, service | (m) |',
    '|---|---|---|---|---|---|---|']
  const groups = [...new Set([...service.keys(), ...minimal.keys()])]
    .sort((x, y) => (service.get(y)?.Ir ?? 0) - (service.get(x)?.Ir ?? 0))
  for (const group of groups) {
    const s = service.get(group)
    const m = minimal.get(group)
    lines.push(`| ${group} | ${per(s?.Ir ?? 0)} | ${per(m?.Ir ?? 0)} | ${per(d1(s))} | ${per(d1(m))} | ${per(ll(s))} | ${per(ll(m))} |`)
  }
  const total = (counts: Map<string, Counts>, of: (c: Counts) => number): string =>
    per([...counts.values()].reduce((sum, c) => sum + of(c), 0))
  const ir = (c: Counts): number => c.Ir
  lines.push(`| **all** | ${total(service, ir)} | ${total(minimal, ir)} | ${total(service, d1)} | ${total(minimal, d1)} | ` +
    `${total(service, ll)} | ${total(minimal, ll)} |`)
  return lines.join('\n')
}

if (process.argv[2] === '--from') {
  const dir = process.argv[3] ?? '.'
  const settings = JSON.parse(readFileSync(join(dir, SETTINGS_FILE), 'utf8')) as Settings
  const [service, minimal] = ['service', 'minimal'].map((name) => groupedCounts(join(dir, `${name}.callgrind`)))
  process.stdout.write(`${render(service ?? new Map(), minimal ?? new Map(), settings)}\n`)
  process.exit(0)
}

const work = mkdtempSync(join(tmpdir(), 'wxpay-bench-cache-sim-'))
try {
  const settings: Settings = { misses: MISSES, lastLevel: LL }
  writeFileSync(join(work, SETTINGS_FILE), JSON.stringify(settings))
  const upstream = await startSimulatedUpstream(work, SIMULATOR_CONTROL_PORT)
  await setUpstreamDelay(upstream.control, 20)
  const runtime = imageRuntime()
  // Under valgrind everything is some fifty times slower: limits that would shed load or time out are raised; the path is the same.
  const slowed = {
    UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
    REDIS_COMMAND_TIMEOUT_MS: '5000',
    WECHATPAY_TIMEOUT_MS: '60000',
    WECHATPAY_CONNECT_TIMEOUT_MS: '30000',
    REQUEST_TIMEOUT_MS: '120000'
  }
  const serviceEnv = { ...loadedServiceEnv(upstream, runtime, PORTS.service, REDIS_URL), ...slowed }
  const service = await measureOne('service', ['dist/server.js'], serviceEnv, work, { 'cache-control': 'no-cache' })
  const minimal = await measureOne('minimal', ['--import', 'tsx', 'bench/minimal-miss-server.ts', upstream.credentialsFile,
    String(PORTS.minimal), REDIS_URL], { ...trusting(upstream), ...runtime.env }, work, {})
  process.stdout.write(`${render(service, minimal, settings)}\n`)
} finally {
  stopAll()
  if (process.env.CACHE_SIM_KEEP !== '1') rmSync(work, { recursive: true, force: true })
  else process.stderr.write(`kept ${work}\n`)
}
