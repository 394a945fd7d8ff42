import type { ReceivedSpan } from './otlp-receiver.js'

/**
 * Just enough of the protobuf wire format to read an OTLP ExportTraceServiceRequest, written from
 * the field numbers of opentelemetry-proto (collector/trace/v1, trace/v1, common/v1, resource/v1)
 * rather than taken from the exporter's own serializer, so a mistake there cannot hide here.
 */

type Field =
  | { number: number, wire: 0, value: bigint }
  | { number: number, wire: 1 | 5, value: Buffer }
  | { number: number, wire: 2, value: Buffer }

/** The fields of one message, in order. */
function fields (buffer: Buffer): Field[] {
  const out: Field[] = []
  let at = 0
  const varint = (): bigint => {
    let result = 0n
    for (let shift = 0n; ; shift += 7n) {
      const byte = buffer[at++]
      if (byte === undefined) throw new Error('truncated varint')
      result |= BigInt(byte & 0x7f) << shift
      if ((byte & 0x80) === 0) return result
    }
  }
  while (at < buffer.length) {
    const tag = Number(varint())
    const number = tag >>> 3
    const wire = tag & 7
    if (wire === 0) out.push({ number, wire, value: varint() })
    else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4
      out.push({ number, wire, value: buffer.subarray(at, at + size) })
      at += size
    } else if (wire === 2) {
      const length = Number(varint())
      out.push({ number, wire, value: buffer.subarray(at, at + length) })
      at += length
    } else {
      throw new Error(`unexpected wire type ${wire}`)
    }
  }
  return out
}

const bytesOf = (list: Field[], number: number): Buffer[] =>
  list.flatMap((f) => f.number === number && f.wire === 2 ? [f.value] : [])
const first = (list: Field[], number: number): Buffer | undefined => bytesOf(list, number)[0]
const text = (list: Field[], number: number): string => first(list, number)?.toString('utf8') ?? ''
const integer = (list: Field[], number: number): number => {
  const field = list.find((f) => f.number === number && f.wire === 0)
  return field === undefined ? 0 : Number(field.value)
}

/** AnyValue: string 1, bool 2, int64 3, double 4, ArrayValue 5 (its values: 1). */
function anyValue (buffer: Buffer): unknown {
  for (const field of fields(buffer)) {
    if (field.number === 1 && field.wire === 2) return field.value.toString('utf8')
    if (field.number === 2 && field.wire === 0) return field.value !== 0n
    if (field.number === 3 && field.wire === 0) return Number(BigInt.asIntN(64, field.value))
    if (field.number === 4 && field.wire === 1) return field.value.readDoubleLE(0)
    if (field.number === 5 && field.wire === 2) return bytesOf(fields(field.value), 1).map(anyValue)
  }
  return undefined
}

/** Repeated KeyValue (key 1, value 2) at field `number`. */
function attributes (list: Field[], number: number): Record<string, unknown> {
  return Object.fromEntries(bytesOf(list, number).map((kv) => {
    const parts = fields(kv)
    const value = first(parts, 2)
    return [text(parts, 1), value === undefined ? undefined : anyValue(value)]
  }))
}

/**
 * ExportTraceServiceRequest: resource_spans 1 → ResourceSpans: resource 1 (attributes 1),
 * scope_spans 2 → ScopeSpans: scope 1 (name 1), spans 2 → Span: trace_id 1, span_id 2,
 * parent_span_id 4, name 5, kind 6, attributes 9, status 15 (message 2, code 3).
 */
export function decodeProtobufTraces (body: Buffer): ReceivedSpan[] {
  return bytesOf(fields(body), 1).flatMap((resourceSpans) => {
    const rs = fields(resourceSpans)
    const resourceBytes = first(rs, 1)
    const resource = resourceBytes === undefined ? {} : attributes(fields(resourceBytes), 1)
    return bytesOf(rs, 2).flatMap((scopeSpans) => {
      const ss = fields(scopeSpans)
      const scopeBytes = first(ss, 1)
      const scope = scopeBytes === undefined ? '' : text(fields(scopeBytes), 1)
      return bytesOf(ss, 2).map((spanBytes): ReceivedSpan => {
        const span = fields(spanBytes)
        const statusBytes = first(span, 15)
        const status = statusBytes === undefined ? [] : fields(statusBytes)
        return {
          traceId: first(span, 1)?.toString('hex') ?? '',
          spanId: first(span, 2)?.toString('hex') ?? '',
          parentSpanId: first(span, 4)?.toString('hex') ?? '',
          name: text(span, 5),
          kind: integer(span, 6),
          status: { code: integer(status, 3), message: text(status, 2) },
          attributes: attributes(span, 9),
          resource,
          scope
        }
      })
    })
  })
}
