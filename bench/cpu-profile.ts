/**
 * Reading a V8 .cpuprofile (node --cpu-prof) for bench/profile.ts: the main thread's self time within
 * the load's time windows only (start-up and warm-up left out), each function placed in its original
 * source through the bundle's linked source maps, and grouped into the categories a cost is judged by.
 * Only the main thread is sampled: work on other threads (GC helpers, libuv's pool) is not in it.
 */
import { existsSync, readFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { dirname, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

interface CallFrame { functionName: string, url: string, lineNumber: number, columnNumber: number }
interface ProfileNode { id: number, callFrame: CallFrame, children?: number[] }
interface CpuProfile { nodes: ProfileNode[], startTime: number, endTime: number, samples: number[], timeDeltas: number[] }

/** Microseconds on the monotonic clock that both V8's profiler and process.hrtime read. */
export interface Window { from: number, to: number }

/** A function's self time per request, where it is, and which category it counts in. */
export interface FunctionCost { name: string, at: string, category: string, us: number }

export interface ProfileCosts {
  /** Main-thread time sampled in the windows, idle excluded, per request. */
  totalUs: number
  byCategory: Map<string, number>
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
function categorize (stack: Array<{ source: string }>): string {
  const owner = stack.find((frame) => frame.source !== '')?.source ?? ''
  const pkg = packageOf(owner)
  if (pkg !== undefined) return PACKAGE_GROUPS.find(([pattern]) => pattern.test(pkg))?.[1] ?? `package: ${pkg}`
  if (/^node:(crypto|internal\/crypto)/.test(owner)) {
    // node:crypto serves the signature of a request, the verification of an answer and any hash: told apart by the caller.
    const caller = stack.find((frame) => /^(src|bench)\//.test(frame.source))?.source ?? ''
    if (caller.endsWith('request-signer.ts')) return 'node:crypto: signing'
    if (caller.endsWith('response-verifier.ts')) return 'node:crypto: verification'
    return `node:crypto: other (${caller === '' ? '?' : caller})`
  }
  if (owner.startsWith('node:')) return NODE_GROUPS.find(([pattern]) => pattern.test(owner))?.[1] ?? 'node: other'
  if (/^(src|bench|test)\//.test(owner)) return owner
  return owner === '' ? 'no JS frame' : `other: ${owner}`
}

const SPECIAL: Record<string, string> = {
  '(garbage collector)': 'GC (main thread)',
  '(program)': 'native, no JS on the stack (libuv, TLS records, HTTP parser)'
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

  const placed = new Map<number, { source: string, line: number, name: string }>()
  const frameOf = (id: number): { source: string, line: number, name: string } => {
    let frame = placed.get(id)
    if (frame === undefined) {
      const callFrame = (nodes.get(id) as ProfileNode).callFrame
      frame = { ...place(callFrame), name: callFrame.functionName }
      placed.set(id, frame)
    }
    return frame
  }
  const byCategory = new Map<string, number>()
  const byFunction = new Map<string, FunctionCost>()
  const bySrcFunction = new Map<string, FunctionCost>()
  let totalUs = 0
  for (const [id, us] of selfUs) {
    const node = nodes.get(id)
    if (node === undefined || node.callFrame.functionName === '(idle)') continue
    const stack: Array<{ source: string, line: number, name: string }> = []
    for (let cursor: number | undefined = id; cursor !== undefined; cursor = parents.get(cursor)) stack.push(frameOf(cursor))
    const name = node.callFrame.functionName
    const category = SPECIAL[name] ?? categorize(stack)
    const owner = stack.find((frame) => frame.source !== '')
    // A native function is shown with the JS frame that called it.
    const label = node.callFrame.url === '' && SPECIAL[name] === undefined ? `${name || '(anonymous)'} (native)` : (name || '(anonymous)')
    const where = owner === undefined ? '' : `${owner.source}:${owner.line}`
    const key = `${label} ${where}`
    const cost = byFunction.get(key) ?? { name: label, at: where, category, us: 0 }
    cost.us += us / requests
    byFunction.set(key, cost)
    const src = stack.find((frame) => frame.source.startsWith('src/'))
    const srcKey = src === undefined ? '' : `${src.name} ${src.source}:${src.line}`
    const srcCost = bySrcFunction.get(srcKey) ??
      (src === undefined
        ? { name: '(no src/ frame on the stack)', at: '', category: '', us: 0 }
        : { name: src.name || '(anonymous)', at: `${src.source}:${src.line}`, category: src.source, us: 0 })
    srcCost.us += us / requests
    bySrcFunction.set(srcKey, srcCost)
    byCategory.set(category, (byCategory.get(category) ?? 0) + us / requests)
    totalUs += us / requests
  }
  const descending = (costs: Map<string, FunctionCost>): FunctionCost[] => [...costs.values()].sort((x, y) => y.us - x.us)
  return { totalUs, byCategory, functions: descending(byFunction), srcFunctions: descending(bySrcFunction) }
}
