/**
 * Reading a V8 .cpuprofile (node --cpu-prof) for bench/profile.ts: the main thread's self time within
 * the load's time windows only (start-up and warm-up left out), each function placed in its original
 * source through the bundle's linked source maps, and grouped into the categories a cost is judged by.
 * Only the main thread is sampled: work on other threads (GC helpers, libuv's pool) is not in it. A
 * sample's time is wall time, so a thread descheduled by a busy machine counts against where it stood.
 */
import { existsSync, readFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { dirname, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

interface CallFrame { functionName: string, url: string, lineNumber: number, columnNumber: number }
interface ProfileNode { id: number, callFrame: CallFrame, children?: number[] }
interface CpuProfile { nodes: ProfileNode[], startTime: number, endTime: number, samples: number[], timeDeltas: number[] }
interface Frame { source: string, line: number, name: string }

/** Microseconds on the monotonic clock that both V8's profiler and process.hrtime read. */
export interface Window { from: number, to: number }

/** A function's time per request, where it is, and the categories that time falls in. */
export interface FunctionCost { name: string, at: string, us: number, byCategory: Map<string, number> }

export interface ProfileCosts {
  /** Main-thread time sampled in the windows, idle excluded, per request. */
  totalUs: number
  byCategory: Map<string, number>
  /** Self time. */
  functions: FunctionCost[]
  /**
   * Each sample charged to the innermost src/ function on its stack: what that function costs with the library
   * and Node work it calls, less the src/ functions it calls. What changing that function could save.
   */
  srcFunctions: FunctionCost[]
}

export const nowUs = (): number => Number(process.hrtime.bigint() / 1000n)

const ROOT = process.cwd()
const maps = new Map<string, SourceMap | undefined>()

function sourceMapOf (file: string): SourceMap | undefined {
  if (!maps.has(file)) {
    const mapFile = `${file}.map`
    maps.set(file, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : undefined)
  }
  return maps.get(file)
}

/** Where a frame's function is: a repository-relative path (through a source map when there is one) or a node: module, and a line. */
function place (frame: CallFrame): { source: string, line: number } {
  if (!frame.url.startsWith('file://')) return { source: frame.url, line: frame.lineNumber + 1 }
  const file = fileURLToPath(frame.url)
  const entry = sourceMapOf(file)?.findEntry(frame.lineNumber, frame.columnNumber)
  if (entry !== undefined && 'originalSource' in entry) {
    return { source: relative(ROOT, resolve(dirname(file), entry.originalSource)), line: entry.originalLine + 1 }
  }
  return { source: relative(ROOT, file), line: frame.lineNumber + 1 }
}

// Packages by the cost they stand for; any other package counts under its own name.
const PACKAGE_GROUPS: Array<[RegExp, string]> = [
  [/^(ioredis|@ioredis\/.*|redis-parser|redis-errors|denque|standard-as-callback|cluster-key-slot)$/, 'Redis: ioredis'],
  [/^undici$/, 'undici'],
  [/^(pino|sonic-boom|fast-redact|@pinojs\/.*|pino-std-serializers|quick-format-unescaped|safe-stable-stringify|on-exit-leak-free)$/,
    'pino / logging'],
  [/^(prom-client|tdigest|bintrees)$/, 'prom-client / metrics'],
  [/^(@opentelemetry\/.*|@fastify\/otel)$/, 'opentelemetry'],
  [new RegExp('^(fastify|@fastify/.*|find-my-way|avvio|light-my-request|fast-json-stringify|fast-querystring|fast-decode-uri-component|' +
    'ajv|fast-uri|toad-cache|rfdc|fastq|reusify|abstract-logging|process-warning|secure-json-parse)$'), 'fastify']
]

const NODE_GROUPS: Array<[RegExp, string]> = [
  [/^node:(zlib|internal\/zlib)/, 'zlib'],
  [/^node:(_tls_|tls|internal\/tls)/, 'TLS (JS side)'],
  [/^node:(_http_|http$|internal\/http)/, 'node:http'],
  [/^node:(buffer|internal\/buffer|string_decoder)/, 'Buffer: copies, string decoding'],
  [/^node:(net|internal\/net|internal\/stream_base_commons|stream|internal\/streams)/, 'net / streams'],
  [/^node:(internal\/process\/task_queues|internal\/timers|timers|internal\/async_hooks|internal\/process\/promises)/,
    'timers / promises / microtasks']
]

const packageOf = (source: string): string | undefined =>
  /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source)?.[1]

/** The category of a sample, from the nearest frame with a source (native functions count with their JS caller). */
function categorize (stack: Frame[]): string {
  const owner = stack.find((frame) => frame.source !== '')?.source ?? ''
  const pkg = packageOf(owner)
  if (pkg !== undefined) return PACKAGE_GROUPS.find(([pattern]) => pattern.test(pkg))?.[1] ?? `package: ${pkg}`
  // undici parses HTTP with llhttp compiled to WebAssembly, its only wasm.
  if (owner.startsWith('wasm://')) return 'undici'
  if (/^node:(crypto|internal\/crypto)/.test(owner)) {
    // node:crypto serves the signature of a request, the verification of an answer and any hash: told apart by the
    // caller, or by node:crypto's own function where an inlined caller left no frame.
    const called = (file: string): boolean => stack.some((frame) => frame.source.endsWith(file))
    const name = stack.find((frame) => frame.source === owner)?.name ?? ''
    if (called('request-signer.ts') || /^(sign|Sign|signOneShot)$/.test(name)) return 'node:crypto: signing'
    if (called('response-verifier.ts') || /^(verify|Verify|verifyOneShot)$/.test(name)) return 'node:crypto: verification'
    const caller = stack.find((frame) => /^(src|bench)\//.test(frame.source))?.source
    return `node:crypto: other (${caller ?? '?'})`
  }
  if (owner.startsWith('node:')) return NODE_GROUPS.find(([pattern]) => pattern.test(owner))?.[1] ?? 'node: other'
  if (/^(src|bench|test)\//.test(owner)) return owner
  return owner === '' ? 'no JS frame' : `other: ${owner}`
}

// A Map, not an object: a function named toString must not find Object.prototype's.
const SPECIAL = new Map([
  ['(garbage collector)', 'GC (main thread)'],
  ['(program)', 'native, no JS on the stack (libuv, TLS records, HTTP parser)']
])

function charge (costs: Map<string, FunctionCost>, key: string, name: string, at: string, category: string, us: number): void {
  let cost = costs.get(key)
  if (cost === undefined) costs.set(key, cost = { name, at, us: 0, byCategory: new Map() })
  cost.us += us
  cost.byCategory.set(category, (cost.byCategory.get(category) ?? 0) + us)
}

/** The main thread's costs in the windows, per request. */
export function profileCosts (file: string, windows: Window[], requests: number): ProfileCosts {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  for (const window of windows) {
    if (window.from < profile.startTime || window.to > profile.endTime) {
      throw new Error(`${file}: the load's window lies outside the profile's ${profile.startTime}–${profile.endTime} µs`)
    }
  }
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  const parents = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id)

  // A sample's weight is the time until the next one.
  const selfUs = new Map<number, number>()
  let at = profile.startTime
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0
    if (!windows.some((window) => at >= window.from && at <= window.to)) return
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0))
  })

  const placed = new Map<number, Frame>()
  const frameOf = (id: number): Frame => {
    let frame = placed.get(id)
    if (frame === undefined) {
      const callFrame = (nodes.get(id) as ProfileNode).callFrame
      placed.set(id, frame = { ...place(callFrame), name: callFrame.functionName || '(anonymous)' })
    }
    return frame
  }
  const byCategory = new Map<string, number>()
  const functions = new Map<string, FunctionCost>()
  const srcFunctions = new Map<string, FunctionCost>()
  let totalUs = 0
  for (const [id, sampled] of selfUs) {
    const node = nodes.get(id)
    if (node === undefined || node.callFrame.functionName === '(idle)') continue
    const us = sampled / requests
    const stack: Frame[] = []
    for (let cursor: number | undefined = id; cursor !== undefined; cursor = parents.get(cursor)) stack.push(frameOf(cursor))
    const name = node.callFrame.functionName
    const category = SPECIAL.get(name) ?? categorize(stack)
    const owner = stack.find((frame) => frame.source !== '')
    // A native function is shown with the JS frame that called it.
    const label = node.callFrame.url === '' && !SPECIAL.has(name) ? `${name || '(anonymous)'} (native)` : (name || '(anonymous)')
    const where = owner === undefined ? '' : `${owner.source}:${owner.line}`
    charge(functions, `${label} ${where}`, label, where, category, us)
    const src = stack.find((frame) => frame.source.startsWith('src/'))
    if (src === undefined) charge(srcFunctions, '', '(no src/ frame on the stack)', '', category, us)
    else charge(srcFunctions, `${src.name} ${src.source}:${src.line}`, src.name, `${src.source}:${src.line}`, category, us)
    byCategory.set(category, (byCategory.get(category) ?? 0) + us)
    totalUs += us
  }
  const descending = (costs: Map<string, FunctionCost>): FunctionCost[] => [...costs.values()].sort((x, y) => y.us - x.us)
  return { totalUs, byCategory, functions: descending(functions), srcFunctions: descending(srcFunctions) }
}
