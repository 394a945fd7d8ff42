import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.js'
import { startRedisSentinel, type RedisSentinelDeployment } from '../helpers/redis-deployments.js'
import { startTracedService, type TracedService } from '../helpers/traced-service.js'
import { uniqueAppid } from '../helpers/unique.js'

// Server and Redis spans by the OpenTelemetry semantic conventions: a server span is an error only
// for a 5xx, with error.type; it names the scheme and the caller's address; and a Redis span names
// the node the command went to, which behind Sentinel is not the client's configured host.

const SERVER = 2
const ERROR = 2

let fake: FakeWechatpay
let receiver: OtlpReceiver
let sentinel: RedisSentinelDeployment
let service: TracedService

beforeAll(async () => {
  fake = await startFakeWechatpay()
  receiver = await startOtlpReceiver()
  sentinel = await startRedisSentinel()
  service = await startTracedService(fake, {
    REDIS_URL: '',
    REDIS_SENTINELS: sentinel.sentinels.map(({ host, port }) => `${host}:${port}`).join(','),
    REDIS_SENTINEL_NAME: sentinel.name,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: '100'
  })
}, 60_000)
afterAll(async () => {
  await service?.stop()
  await sentinel?.stop()
  await receiver?.close()
  await fake?.simulator.close()
})

/** The spans of one request sent with a trace of its own, once its server span has arrived. */
async function traced (path: string): Promise<{ status: number, server: ReceivedSpan, trace: ReceivedSpan[] }> {
  const traceId = randomBytes(16).toString('hex')
  const res = await fetch(`${service.url}${path}`, { headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } })
  await res.arrayBuffer()
  const spans = await receiver.waitFor((all) => all.some((span) => span.traceId === traceId && span.kind === SERVER))
  const trace = spans.filter((span) => span.traceId === traceId)
  return { status: res.status, server: trace.find((span) => span.kind === SERVER) as ReceivedSpan, trace }
}

describe('spans by the semantic conventions', () => {
  it('leaves a 4xx server span\'s status unset: the caller\'s mistake is not the service\'s error', async () => {
    const { status, server } = await traced('/cards?appid=not%20an%20appid&offset=0&limit=2')
    expect(status).toBe(400)
    expect(server.status.code).toBe(0)
    expect(server.attributes).not.toHaveProperty('error.type')
  })

  it('marks a 5xx server span as an error, with error.type', async () => {
    fake.simulator.enqueue({ kind: 'tamper' })
    const { status, server } = await traced(`/cards?appid=${uniqueAppid()}&offset=0&limit=2`)
    expect(status).toBe(502)
    expect(server.status.code).toBe(ERROR)
    expect(server.attributes['error.type']).toBe('502')
  })

  it('names the URL scheme and the caller\'s address', async () => {
    const { server } = await traced('/healthz')
    expect(server.attributes).toMatchObject({ 'url.scheme': 'http', 'client.address': '127.0.0.1' })
  })

  it('names, on each Redis span, the primary the command went to, not the client\'s default host', async () => {
    const { trace } = await traced(`/cards?appid=${uniqueAppid()}&offset=0&limit=2`)
    const redis = trace.filter((span) => span.attributes['db.system.name'] === 'redis')
    expect(redis.length).toBeGreaterThan(0)
    const primary = await sentinel.primary()
    for (const span of redis) {
      expect(span.attributes).toMatchObject({ 'server.address': primary.host, 'server.port': primary.port })
    }
  })
})
