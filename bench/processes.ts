/**
 * The bench's child processes: where each one runs (CPU 0 for the load generator and the simulator,
 * CPU 1 for whatever is measured), how long it takes to answer, and what it costs the machine.
 */
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'

export const PINNING = cpus().length >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0

// /proc/<pid>/stat counts CPU time in clock ticks, 100 a second on every Linux this runs on.
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100

const children = new Set<ChildProcess>()

export const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/** Re-runs this script pinned to CPU 0, leaving CPU 1 to the servers under test; returns only when already pinned. */
export function pinThisScriptToCpu0 (): void {
  if (!PINNING || process.env.BENCH_PINNED !== undefined) return
  const child = spawnSync('taskset', ['-c', '0', process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...process.env, BENCH_PINNED: '1' } })
  process.exit(child.status ?? 1)
}

/** node with these arguments on one CPU; taskset execs node, so the child's pid is node's own. */
export function start (
  args: string[],
  env: Record<string, string> = {},
  cpu = '1',
  stdio: StdioOptions = ['ignore', 'ignore', 'inherit']
): ChildProcess {
  const command = PINNING ? ['taskset', '-c', cpu, process.execPath, ...args] : [process.execPath, ...args]
  const child = spawn(command[0] as string, command.slice(1), { env: { ...process.env, ...env }, stdio })
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}

/** SIGTERM, and resolves once the process is gone. */
export async function stop (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill()
  await gone
}

/**
 * stop, for a process that must exit by itself to write what it measured (a V8 profile, callgrind's counts):
 * one still running `ms` after SIGTERM is killed, and that is an error, as what it was to write is lost.
 */
export async function stopWithin (child: ChildProcess, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`pid ${child.pid ?? '?'} still running ${ms} ms after SIGTERM; killed`))
    }, ms)
  })
  try { await Promise.race([stop(child), late]) } finally { clearTimeout(timer) }
}

export function stopAll (): void {
  for (const child of children) child.kill()
}

/** Runs a script that prints one JSON document on stdout, and returns that document. */
export async function runJsonChild<T> (args: string[], env: Record<string, string> = {}, cpu = '1'): Promise<T> {
  const child = start(args, env, cpu, ['ignore', 'pipe', 'inherit'])
  let out = ''
  child.stdout?.on('data', (chunk: Buffer) => { out += chunk.toString('utf8') })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`${args.join(' ')} exited with ${code ?? 'a signal'}`)
  return JSON.parse(out) as T
}

/**
 * Resolves once `url` answers 2xx. `withinMs`: how long start-up may take (longer under valgrind); `server`:
 * the process meant to answer, whose exit fails the wait at once rather than at the limit.
 */
export async function waitFor (
  url: string, { withinMs = 10_000, server }: { withinMs?: number, server?: ChildProcess } = {}
): Promise<void> {
  for (const started = Date.now(); Date.now() - started < withinMs;) {
    if (server !== undefined && (server.exitCode !== null || server.signalCode !== null)) {
      throw new Error(`${url}: the server exited while starting`)
    }
    try { if ((await fetch(url)).ok) return } catch {}
    await sleep(100)
  }
  throw new Error(`${url} did not come up`)
}

/** CPU seconds (user + system, every thread) a process has used so far. */
export function cpuSeconds (pid: number | undefined): number {
  // The command name in parentheses may hold spaces; the fields after it are fixed: utime is the 14th, stime the 15th.
  const fields = readFileSync(`/proc/${pid ?? 0}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
}

export function rssMb (pid: number | undefined): number {
  return statusMb(pid, 'VmRSS')
}

function statusMb (pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number {
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid ?? 0}/status`, 'utf8'))?.[1] ?? Number.NaN) / 1024
}

export interface PeakRss<T> { result: T, peakMb: number, measuredBy: 'VmHWM' | 'RSS polled every 10 ms' }

/**
 * The process's highest RSS while `work` runs: the kernel's own high-water mark (VmHWM), reset first by
 * writing 5 to clear_refs; where that is refused, RSS polled, which can miss a peak shorter than the poll.
 */
export async function peakRssDuring<T> (pid: number | undefined, work: () => Promise<T>): Promise<PeakRss<T>> {
  let reset = true
  try { writeFileSync(`/proc/${pid ?? 0}/clear_refs`, '5') } catch { reset = false }
  let polled = rssMb(pid)
  const poll = reset ? undefined : setInterval(() => { polled = Math.max(polled, rssMb(pid)) }, 10)
  try {
    const result = await work()
    return reset
      ? { result, peakMb: statusMb(pid, 'VmHWM'), measuredBy: 'VmHWM' }
      : { result, peakMb: Math.max(polled, rssMb(pid)), measuredBy: 'RSS polled every 10 ms' }
  } finally {
    clearInterval(poll)
  }
}
