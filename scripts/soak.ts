/**
 * npm run soak: 60 s (SOAK_SECONDS) of mixed /cards traffic against the service and the WeChat Pay
 * simulator on loopback, with faults injected every 250 ms, then a report of status counts,
 * latency and RSS growth. Bounded in time and concurrency; nothing leaves 127.0.0.1.
 * Set REDIS_URL to soak against Redis (the default is the in-process cache).
 */
import { Pool } from 'undici'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config/config.js'
import type { Fault } from '../src/sandbox/simulator.js'
import { startFakeWechatpay } from '../test/helpers/fake-wechatpay.js'
import { testConfig } from '../test/helpers/app.js'

const seconds = Number(process.env.SOAK_SECONDS ?? 60)
const concurrency = 16
const faults: Fault[] = [
  { kind: 'error', status: 500, code: 'SYSTEM_ERROR', message: '系统繁忙' },
  { kind: 'error', status: 429, code: 'FREQUENCY_LIMITED', message: '频率超限', headers: { 'Retry-After': '1' } },
  { kind: 'error', status: 503, code: 'SERVICE_UNAVAILABLE', message: '服务不可用' },
  { kind: 'drop' },
  { kind: 'delay', ms: 300 },
  { kind: 'probe' },
  { kind: 'tamper' }
]

const fake = await startFakeWechatpay()
const config = testConfig(loadConfig({ LOG_LEVEL: 'silent', REDIS_URL: process.env.REDIS_URL }), {
  wechatpay: { sandbox: false, credentials: fake.credentials, baseUrl: fake.simulator.url, backupBaseUrl: undefined, upstreamMaxRps: 200 },
  cache: { ttlSeconds: 2, staleSeconds: 5 }
})
const app = await buildApp(config)
const url = await app.listen({ host: '127.0.0.1', port: 0 })
const client = new Pool(url, { connections: concurrency })

const statuses = new Map<number, number>()
const latencies: number[] = []
const rssStart = process.memoryUsage().rss
const end = Date.now() + seconds * 1000
const injector = setInterval(() => {
  fake.simulator.enqueue(faults[Math.floor(Math.random() * faults.length)] as Fault)
  fake.simulator.calls.length = 0 // the simulator records every call; keep its memory out of the RSS figure
}, 250)

async function worker (): Promise<void> {
  while (Date.now() < end) {
    const page = Math.floor(Math.random() * 200)
    const started = performance.now()
    const res = await client.request({
      method: 'GET',
      path: `/cards?appid=wxsoak${page % 40}&offset=${page % 5}&limit=5`,
      headers: Math.random() < 0.1 ? { 'cache-control': 'no-cache' } : {}
    })
    await res.body.dump()
    latencies.push(performance.now() - started)
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
  }
}

await Promise.all(Array.from({ length: concurrency }, worker))
clearInterval(injector)
const rssEnd = process.memoryUsage().rss
await client.close()
await app.close()
await fake.simulator.close()

latencies.sort((a, b) => a - b)
const at = (q: number): string => (latencies[Math.floor(q * (latencies.length - 1))] ?? 0).toFixed(1)
const total = latencies.length
const non2xx = [...statuses].filter(([s]) => s < 200 || s > 299).reduce((n, [, c]) => n + c, 0)
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1)
process.stdout.write([
  `soak: ${seconds}s, ${concurrency} concurrent callers, a fault every 250 ms, ` +
    `cache ${process.env.REDIS_URL === undefined ? 'in-process' : 'Redis'}`,
  `requests: ${total} (${(total / seconds).toFixed(0)}/s); non-2xx: ${non2xx} (${((100 * non2xx) / Math.max(1, total)).toFixed(2)}%)`,
  `by status: ${[...statuses].sort(([a], [b]) => a - b).map(([s, c]) => `${s}=${c}`).join(' ')}`,
  `latency ms: p50 ${at(0.5)}, p99 ${at(0.99)}, max ${at(1)}`,
  `rss MB: start ${mb(rssStart)}, end ${mb(rssEnd)}, growth ${mb(rssEnd - rssStart)}`
].join('\n') + '\n')
