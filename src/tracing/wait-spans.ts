import { SpanStatusCode, type Tracer } from '@opentelemetry/api'
import { WAIT_OUTCOME } from './attributes.js'

/**
 * A span for a wait that only sometimes happens (for the upstream budget, for another replica's
 * fetch): begun when the wait begins, ended with how it ended. An outcome in `failures` marks the
 * span as an error.
 */
export function waitSpans<Outcome extends string> (
  tracer: Tracer, name: string, failures: readonly Outcome[]
): () => (outcome: Outcome) => void {
  return () => {
    const span = tracer.startSpan(name)
    return (outcome) => {
      span.setAttribute(WAIT_OUTCOME, outcome)
      if (failures.includes(outcome)) span.setStatus({ code: SpanStatusCode.ERROR, message: outcome })
      span.end()
    }
  }
}
