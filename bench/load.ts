/**
 * One load scenario: autocannon against a URL for a fixed time, and what the server under test
 * spent meanwhile, read from /proc, so every scenario reports CPU per request next to req/s.
 */
import type { ChildProcess } from 'node:child_process'
import autocannon from 'autocannon'
import { cpuSeconds } from './processes.js'
import { percentile } from './stats.js'

export interface Figure {
  rps: number
  /** Milliseconds, from every response's own timing: autocannon's histogram keeps whole milliseconds only. */
  p50: number
  p99: number
  /** Responses completed (autocannon's requests.total). */
  requests: number
  /** Share of one core the server under test used (1 = a whole core); absent when no server was watched. */
  cpu?: number
  /** Server CPU microseconds per completed request. */
  cpuPerRequestUs?: number
  /** Response bytes (headers included) per request, which tells a gzip body from an identity one. */
  bytesPerResponse: number
}

export interface LoadOptions {
  seconds: number
  connections?: number
  headers?: Record<string, string>
  /** Each request takes one of these paths at random; absent: the URL's own path. */
  paths?: string[]
}

/** The load alone; fails on any error or non-2xx answer, which would make the figures meaningless. */
export async function load (url: string, options: LoadOptions): Promise<Omit<Figure, 'cpu' | 'cpuPerRequestUs'> & { seconds: number }> {
  const { paths } = options
  const latencies: number[] = []
  const started = performance.now()
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({
      url,
      connections: options.connections ?? 32,
      duration: options.seconds,
      headers: options.headers ?? {},
      ...(paths === undefined
        ? {}
        : {
            requests: [{
              setupRequest: (req: autocannon.Request) => ({ ...req, path: paths[Math.floor(Math.random() * paths.length)] as string })
            }]
          })
    }, (err: unknown, done: autocannon.Result) => { if (err === null || err === undefined) resolve(done); else reject(err) })
    // Fractions of a millisecond matter here: a miss is judged on 2.5 ms over the upstream.
    instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => { latencies.push(ms) })
  })
  const seconds = (performance.now() - started) / 1000
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors; statuses ${JSON.stringify(result.statusCodeStats)}`)
  }
  latencies.sort((x, y) => x - y)
  const requests = result.requests.total
  return {
    rps: requests / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    requests,
    bytesPerResponse: result.throughput.total / Math.max(1, requests),
    seconds
  }
}

/** The load, and what the server under test spent on it. */
export async function loadOn (server: ChildProcess, url: string, options: LoadOptions): Promise<Figure> {
  const before = cpuSeconds(server.pid)
  const { seconds, ...figure } = await load(url, options)
  const spent = cpuSeconds(server.pid) - before
  return { ...figure, cpu: spent / seconds, cpuPerRequestUs: (1e6 * spent) / Math.max(1, figure.requests) }
}
