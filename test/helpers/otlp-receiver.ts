import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { decodeProtobufTraces } from './otlp-protobuf.js'

/** A span as the receiver decoded it, whichever encoding it came in; ids in lower-case hex. */
export interface ReceivedSpan {
  traceId: string
  spanId: string
  /** '' for a root span. */
  parentSpanId: string
  name: string
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client. */
  kind: number
  /** OTLP's StatusCode: 0 unset, 1 ok, 2 error. */
  status: { code: number, message: string }
  attributes: Record<string, unknown>
  resource: Record<string, unknown>
  scope: string
}

export interface OtlpReceiver {
  /** http://127.0.0.1:PORT, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string
  /** Every export request, as it arrived: path, content type and the exact bytes. */
  requests: Array<{ path: string, contentType: string, body: Buffer }>
  spans: ReceivedSpan[]
  /** Resolves with the spans once `ready` holds for them, or rejects after `ms`. */
  waitFor: (ready: (spans: ReceivedSpan[]) => boolean, ms?: number) => Promise<ReceivedSpan[]>
  close: () => Promise<void>
}

/**
 * An OTLP/HTTP trace receiver on loopback, port 0: it takes what an OpenTelemetry Collector would
 * at /v1/traces, in both encodings, decodes the spans with code of its own (not the exporter's),
 * and answers as a collector does.
 */
export async function startOtlpReceiver (): Promise<OtlpReceiver> {
  const requests: OtlpReceiver['requests'] = []
  const spans: ReceivedSpan[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => { chunks.push(chunk) })
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const contentType = req.headers['content-type'] ?? ''
      requests.push({ path: req.url ?? '', contentType, body })
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end()
        return
      }
      const json = contentType.startsWith('application/json')
      spans.push(...(json ? decodeJsonTraces(body) : decodeProtobufTraces(body)))
      // An empty ExportTraceServiceResponse: full success.
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : '')
    })
  })
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    spans,
    waitFor: async (ready, ms = 10_000) => {
      const started = Date.now()
      while (!ready(spans)) {
        if (Date.now() - started > ms) throw new Error(`spans did not arrive in time; got: ${spans.map((s) => s.name).join(', ')}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      return spans
    },
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => { server.close(resolve) })
    }
  }
}

interface JsonValue {
  stringValue?: string
  boolValue?: boolean
  intValue?: string | number
  doubleValue?: number
  arrayValue?: { values?: JsonValue[] }
}
interface JsonKeyValue { key: string, value?: JsonValue }
interface JsonSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  kind?: number
  status?: { code?: number, message?: string }
  attributes?: JsonKeyValue[]
}
interface JsonRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: JsonKeyValue[] }
    scopeSpans?: Array<{ scope?: { name?: string }, spans?: JsonSpan[] }>
  }>
}

/** OTLP/JSON: ids are hex strings, 64-bit integers may be strings (the OTLP spec's JSON mapping). */
function decodeJsonTraces (body: Buffer): ReceivedSpan[] {
  const request = JSON.parse(body.toString('utf8')) as JsonRequest
  const value = (v: JsonValue | undefined): unknown => {
    if (v === undefined) return undefined
    if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(value)
    if (v.intValue !== undefined) return Number(v.intValue)
    return v.stringValue ?? v.boolValue ?? v.doubleValue
  }
  const attributes = (list: JsonKeyValue[] | undefined): Record<string, unknown> =>
    Object.fromEntries((list ?? []).map((kv) => [kv.key, value(kv.value)]))
  return (request.resourceSpans ?? []).flatMap((rs) => (rs.scopeSpans ?? []).flatMap((ss) => (ss.spans ?? []).map((span) => ({
    traceId: span.traceId.toLowerCase(),
    spanId: span.spanId.toLowerCase(),
    parentSpanId: (span.parentSpanId ?? '').toLowerCase(),
    name: span.name,
    kind: span.kind ?? 0,
    status: { code: span.status?.code ?? 0, message: span.status?.message ?? '' },
    attributes: attributes(span.attributes),
    resource: attributes(rs.resource?.attributes),
    scope: ss.scope?.name ?? ''
  }))))
}
