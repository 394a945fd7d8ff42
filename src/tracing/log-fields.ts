import { context, isSpanContextValid, trace, type DiagLogger } from '@opentelemetry/api'

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

// An unreachable collector fails every export, one every few seconds: say so once a minute.
const REPEAT_AFTER_MS = 60_000

/**
 * The SDK's own warnings and errors (an export that failed, a sampler setting it did not take) as
 * warnings in the service's log, each message at most once a minute.
 */
export function diagToLog (log: { warn: (fields: object, message: string) => void }, now: () => number = Date.now): DiagLogger {
  const lastSaid = new Map<string, number>()
  const say = (message: string): void => {
    const at = now()
    if ((lastSaid.get(message) ?? -Infinity) > at - REPEAT_AFTER_MS) return
    lastSaid.set(message, at)
    log.warn({ otel: message }, 'OpenTelemetry SDK: spans may be lost')
  }
  const ignore = (): void => {}
  return {
    error: (message) => { say(message) },
    warn: (message) => { say(message) },
    info: ignore,
    debug: ignore,
    verbose: ignore
  }
}
