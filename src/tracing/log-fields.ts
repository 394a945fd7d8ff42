import { context, isSpanContextValid, trace } from '@opentelemetry/api'

/**
 * pino's mixin: the active span's ids on every line written within a traced request, so a log
 * line leads to its trace and back. pino merges the line's own fields into the object returned,
 * so each call returns a new one.
 */
export function activeSpanIds (): Record<string, string> {
  const span = trace.getSpan(context.active())
  if (span === undefined) return {}
  const ids = span.spanContext()
  return isSpanContextValid(ids) ? { trace_id: ids.traceId, span_id: ids.spanId } : {}
}
