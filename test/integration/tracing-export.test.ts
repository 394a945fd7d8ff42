import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.js'
import { SHARED_REDIS_URL } from '../helpers/redis-server.js'
import { startTracedService, type TracedService } from '../helpers/traced-service.js'
import { uniqueAppid } from '../helpers/unique.js'
import { cardsPageKeys } from '../helpers/page-keys.js'

// OTLP's SpanKind and StatusCode.
const SERVER = 2
const CLIENT = 3
const ERROR = 2

const TRACE_HEADERS = ['traceparent', 'tracestate', 'baggage']

/** A caller's W3C trace context: a fresh trace id and the caller's own span id. */
function callerContext (): { traceId: string, parentId: string, headers: Record<string, string> } {
  const traceId = randomBytes(16).toString('hex')
  const parentId = randomBytes(8).toString('hex')
  return {
    traceId,
    parentId,
    headers: { traceparent: `00-${traceId}-${parentId}-01`, tracestate: 'caller=ours', baggage: 'user=alice' }
  }
}

const inTrace = (spans: ReceivedSpan[], traceId: string): ReceivedSpan[] => spans.filter((s) => s.traceId === traceId)
/** The WeChat Pay attempts among `spans` (Redis commands are client spans too). */
const attempts = (spans: ReceivedSpan[]): ReceivedSpan[] => spans.filter((s) => s.kind === CLIENT && 'wechatpay.attempt' in s.attributes)

const TRACED_ADMIN_TOKEN = 'traced-admin-token-0123456789abcdef'

describe.each(['http/protobuf', 'http/json'])('tracing over OTLP %s', (protocol) => {
  let fake: FakeWechatpay
  let receiver: OtlpReceiver
  let service: TracedService

  beforeAll(async () => {
    fake = await startFakeWechatpay()
    receiver = await startOtlpReceiver()
    // The real entry: server.ts starts tracing from these variables, as in production.
    service = await startTracedService(fake, {
      REDIS_URL: SHARED_REDIS_URL,
      LOG_LEVEL: 'debug',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      CACHE_ADMIN_TOKENS: TRACED_ADMIN_TOKEN
    })
  }, 30_000)
  afterAll(async () => {
    await service?.stop()
    await receiver?.close()
    await fake?.simulator.close()
  })
  beforeEach(() => { fake.simulator.reset() })

  it('continues the caller\'s trace: a server span, a WeChat Pay client span with its Request-ID, Redis spans', async () => {
    const caller = callerContext()
    const requestId = `trace-test-${randomBytes(4).toString('hex')}`
    const wechatRequestId = `SIMULATED-${randomBytes(6).toString('hex')}`
    fake.simulator.enqueue({ kind: 'request-id', value: wechatRequestId })
    const res = await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`, {
      headers: { ...caller.headers, 'x-request-id': requestId }
    })
    expect(res.status).toBe(200)

    const spans = await receiver.waitFor((all) => inTrace(all, caller.traceId).some((s) => s.kind === SERVER))
    const trace = inTrace(spans, caller.traceId)
    const server = trace.find((s) => s.kind === SERVER)
    expect(server).toMatchObject({
      parentSpanId: caller.parentId,
      name: 'GET /cards',
      scope: '@fastify/otel',
      resource: { 'service.name': 'wxpay-cards-bff' },
      attributes: {
        'http.route': '/cards',
        'http.response.status_code': 200,
        'http.response.header.x-request-id': [requestId],
        'cards.cache.outcome': 'miss',
        'cards.caller': 'anonymous'
      }
    })
    expect(server?.status.code).not.toBe(ERROR)

    const client = attempts(trace)
    expect(client).toHaveLength(1)
    expect(client[0]).toMatchObject({
      parentSpanId: server?.spanId,
      name: 'GET /v3/marketing/membercard-open/cards',
      attributes: {
        'http.request.method': 'GET',
        'server.address': '127.0.0.1',
        'http.response.status_code': 200,
        'wechatpay.attempt': 1,
        'wechatpay.request_id': wechatRequestId,
        'wechatpay.verification': 'ok'
      }
    })
    expect(client[0]?.status.code).not.toBe(ERROR)

    const redis = trace.filter((s) => s.attributes['db.system.name'] === 'redis')
    expect(redis.length).toBeGreaterThan(0)
    expect(redis.every((s) => s.parentSpanId === server?.spanId)).toBe(true)
  })

  it('names the caller of a valid token on the server span, never the token', async () => {
    const caller = callerContext()
    const res = await fetch(`${service.url}/readyz`, { headers: { ...caller.headers, authorization: `Bearer ${TRACED_ADMIN_TOKEN}` } })
    expect(res.status).toBe(200)
    const spans = await receiver.waitFor((all) => inTrace(all, caller.traceId).some((s) => s.kind === SERVER))
    const server = inTrace(spans, caller.traceId).find((s) => s.kind === SERVER)
    expect(server?.attributes['cards.caller']).toBe('token-1')
    expect(JSON.stringify(spans)).not.toContain(TRACED_ADMIN_TOKEN)
  })

  it('says a hit is a hit, with no WeChat Pay span', async () => {
    const path = `/cards?appid=${uniqueAppid()}&offset=0&limit=2`
    expect((await fetch(`${service.url}${path}`)).status).toBe(200)
    const caller = callerContext()
    expect((await fetch(`${service.url}${path}`, { headers: caller.headers })).status).toBe(200)
    const spans = await receiver.waitFor((all) => inTrace(all, caller.traceId).some((s) => s.kind === SERVER))
    const trace = inTrace(spans, caller.traceId)
    expect(trace.find((s) => s.kind === SERVER)?.attributes['cards.cache.outcome']).toBe('hit')
    expect(attempts(trace)).toEqual([])
  })

  it('makes an error span with WeChat Pay\'s code of an upstream 400', async () => {
    const caller = callerContext()
    fake.simulator.enqueue({ kind: 'error', status: 400, code: 'PARAM_ERROR', message: 'appid 与 mchid 不匹配' })
    const res = await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`, { headers: caller.headers })
    expect(res.status).toBe(400)
    const spans = await receiver.waitFor((all) => inTrace(all, caller.traceId).some((s) => s.kind === SERVER))
    const client = attempts(inTrace(spans, caller.traceId))
    expect(client).toHaveLength(1)
    expect(client[0]?.status.code).toBe(ERROR)
    expect(client[0]?.attributes).toMatchObject({
      'http.response.status_code': 400,
      'wechatpay.error_code': 'PARAM_ERROR',
      'error.type': 'PARAM_ERROR'
    })
  })

  it('shows a wait for the upstream budget, and one for another replica\'s fetch, in the request\'s trace', async () => {
    // Two misses at once: the merchant's budget (5/s, a burst of one) lets one go and makes the other wait.
    const budget = callerContext()
    const answers = await Promise.all([0, 1].map(async () =>
      await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`, { headers: budget.headers })))
    expect(answers.map((res) => res.status)).toEqual([200, 200])
    const budgetSpans = await receiver.waitFor((all) => inTrace(all, budget.traceId).filter((s) => s.kind === SERVER).length === 2)
    const budgetTrace = inTrace(budgetSpans, budget.traceId)
    // At least the second waited (both may have, just after an earlier test's call), each within its request.
    const budgetWaits = budgetTrace.filter((s) => s.name === 'wait for the upstream budget')
    expect(budgetWaits.length).toBeGreaterThanOrEqual(1)
    const servers = budgetTrace.filter((s) => s.kind === SERVER).map((s) => s.spanId)
    for (const wait of budgetWaits) {
      expect(wait).toMatchObject({ attributes: { 'wait.outcome': 'granted' }, parentSpanId: expect.toBeOneOf(servers) })
    }

    // Another replica holds the page's fill lock, and dies with it: the request waits, then fetches itself.
    const fleet = callerContext()
    const query = { appid: uniqueAppid(), offset: 0, limit: 2 }
    const redis = new Redis(SHARED_REDIS_URL)
    try {
      await redis.set(cardsPageKeys(fake.credentials.mchid, query).lock, 'another-replica', 'PX', 300)
    } finally {
      redis.disconnect()
    }
    const res = await fetch(`${service.url}/cards?appid=${query.appid}&offset=0&limit=2`, { headers: fleet.headers })
    expect(res.status).toBe(200)
    const fleetSpans = await receiver.waitFor((all) => inTrace(all, fleet.traceId).some((s) => s.kind === SERVER))
    const fleetTrace = inTrace(fleetSpans, fleet.traceId)
    const fleetWait = fleetTrace.filter((s) => s.name === 'wait for another replica\'s fetch')
    expect(fleetWait).toHaveLength(1)
    expect(fleetWait[0]?.attributes['wait.outcome']).toBe('fetched-instead')
    expect(fleetWait[0]?.parentSpanId).toBe(fleetTrace.find((s) => s.kind === SERVER)?.spanId)
    expect(attempts(fleetTrace)).toHaveLength(1)
  })

  it('sends WeChat Pay no trace header, whatever the caller sent', async () => {
    const caller = callerContext()
    expect((await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`, { headers: caller.headers })).status).toBe(200)
    expect(fake.simulator.calls).toHaveLength(1)
    expect(Object.keys(fake.simulator.calls[0]?.headers ?? {})).toEqual(expect.arrayContaining(['authorization']))
    expect(Object.keys(fake.simulator.calls[0]?.headers ?? {}).filter((name) => TRACE_HEADERS.includes(name))).toEqual([])
  })

  it('puts the trace\'s ids on every log line of a traced request', async () => {
    const caller = callerContext()
    const requestId = `log-test-${randomBytes(4).toString('hex')}`
    fake.simulator.enqueue({ kind: 'error', status: 400, code: 'PARAM_ERROR', message: 'bad appid' })
    const headers = { ...caller.headers, 'x-request-id': requestId }
    expect((await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`, { headers })).status).toBe(400)
    const spans = await receiver.waitFor((all) => inTrace(all, caller.traceId).some((s) => s.kind === SERVER))
    const server = inTrace(spans, caller.traceId).find((s) => s.kind === SERVER)
    // Lines are written in batches, at most a second late.
    const started = Date.now()
    while (!service.logs().some((l) => l.reqId === requestId && l.msg === 'request completed')) {
      if (Date.now() - started > 5_000) throw new Error(`no access line:\n${service.output()}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const lines = service.logs().filter((l) => l.reqId === requestId || l.trace_id === caller.traceId)
    // The access line, the problem's warning (both by request id) and the failed attempt's debug line (by trace alone).
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['request completed', 'WeChat Pay attempt failed']))
    expect(lines.length).toBeGreaterThanOrEqual(3)
    for (const line of lines) expect(line).toMatchObject({ trace_id: caller.traceId, span_id: server?.spanId })
  })

  it('exports nothing secret: no Authorization, signature, nonce, key, sign_information or unknown query value', async () => {
    const strayQuery = `stray-${randomBytes(8).toString('hex')}`
    const signedMessage = `GET\n/v3/marketing/membercard-open/cards\n${randomBytes(8).toString('hex')}\n`
    const wechatRequestId = `SIMULATED-${randomBytes(6).toString('hex')}`
    await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2&access_token=${strayQuery}`)
    fake.simulator.enqueue({ kind: 'request-id', value: wechatRequestId })
    expect((await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`)).status).toBe(200)
    fake.simulator.enqueue({
      kind: 'error',
      status: 401,
      code: 'SIGN_ERROR',
      message: '签名错误',
      detail: { sign_information: { method: 'GET', sign_message_length: signedMessage.length, truncated_sign_message: signedMessage } }
    })
    const caller = callerContext()
    expect((await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`, { headers: caller.headers })).status).toBe(502)
    await receiver.waitFor((all) => inTrace(all, caller.traceId).some((s) => s.kind === SERVER) &&
      all.some((s) => s.attributes['wechatpay.request_id'] === wechatRequestId))

    const exported = Buffer.concat(receiver.requests.map((r) => r.body))
    const found = (text: string): boolean => exported.includes(Buffer.from(text, 'utf8'))
    // The search sees what was exported, in this encoding: a value that must be there is.
    expect(found(wechatRequestId)).toBe(true)
    const secrets = [strayQuery, signedMessage, 'sign_information', ...pemBodyLines(fake)]
    for (const call of fake.simulator.calls) {
      const authorization = call.headers.authorization ?? ''
      const signature = /signature="([^"]+)"/.exec(authorization)?.[1]
      secrets.push(authorization, signature ?? 'no signature?', call.authorization.nonce ?? 'no nonce?')
    }
    expect(fake.simulator.calls.length).toBeGreaterThanOrEqual(2)
    expect(secrets.filter(found)).toEqual([])
  })

  it('loads the exporter of its encoding, and not the other one', async () => {
    const code = await service.stop()
    expect(code).toBe(0)
    const loaded = service.loadedPackages()
    expect(loaded).toEqual(expect.arrayContaining([
      '@fastify/otel', '@opentelemetry/sdk-trace-node', '@opentelemetry/instrumentation-ioredis'
    ]))
    const [wanted, other] = protocol === 'http/json'
      ? ['@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/exporter-trace-otlp-proto']
      : ['@opentelemetry/exporter-trace-otlp-proto', '@opentelemetry/exporter-trace-otlp-http']
    expect(loaded).toContain(wanted)
    expect(loaded).not.toContain(other)
  })
})

describe('with no OTLP endpoint', () => {
  it('loads no OpenTelemetry SDK, exporter or instrumentation, and sends nothing', async () => {
    const fake = await startFakeWechatpay()
    const receiver = await startOtlpReceiver()
    try {
      // As docker-compose passes them when unset: empty, which counts as unset. The rest point at the receiver.
      const service = await startTracedService(fake, {
        REDIS_URL: SHARED_REDIS_URL,
        OTEL_EXPORTER_OTLP_ENDPOINT: '',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '100'
      })
      try {
        const { headers } = callerContext()
        expect((await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`, { headers })).status).toBe(200)
        await new Promise((resolve) => setTimeout(resolve, 500))
        expect(fake.simulator.calls.flatMap((call) => Object.keys(call.headers)).filter((name) => TRACE_HEADERS.includes(name))).toEqual([])
        // No trace ids where there is no trace.
        expect(service.logs().filter((l) => 'trace_id' in l)).toEqual([])
      } finally {
        expect(await service.stop()).toBe(0)
      }
      // Only the API, which prom-client requires for exemplars whether or not anything traces: a no-op without an SDK.
      expect(service.loadedPackages()).toEqual(['@opentelemetry/api'])
      expect(receiver.requests).toEqual([])
    } finally {
      await receiver.close()
      await fake.simulator.close()
    }
  }, 30_000)
})

/** The PEM body of the merchant's private key, line by line: any line of it in an export is a leak. */
function pemBodyLines (fake: FakeWechatpay): string[] {
  const pem = fake.generated.merchantPrivateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  return pem.split('\n').filter((line) => line !== '' && !line.startsWith('-----'))
}
