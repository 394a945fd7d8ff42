import type { FastifyPluginAsync } from 'fastify'
import type { BudgetWaitOutcome } from '../budget/upstream-budget.js'
import type { FleetWaitOutcome } from '../cache/fleet-fill.js'
import type { AttemptObserver } from '../wechatpay/client.js'

/**
 * What tracing brings to the app, once server.ts has started it (start-tracing.ts). Types only: the
 * app imports no OpenTelemetry module, so with tracing off none is loaded and the request path
 * runs no tracing code at all.
 */
export interface AppTracing {
  /** Registered before anything else: the server span of every request, continuing the caller's trace. */
  plugin: FastifyPluginAsync
  /** pino's mixin: `trace_id` and `span_id` on every line written while a span is active. */
  logFields: () => Record<string, string>
  /** A client span per WeChat Pay attempt. */
  attempts: AttemptObserver
  /** A span per wait for the fleet's upstream budget. */
  budgetWait: () => (outcome: BudgetWaitOutcome) => void
  /** A span per wait for another replica's fetch of the same page. */
  fleetWait: () => (outcome: FleetWaitOutcome) => void
  /** Where the SDK's own warnings (an unreachable collector, a bad sampler setting) are logged. */
  reportTo: (log: { warn: (fields: object, message: string) => void }) => void
  /** Exports the spans still buffered and stops the SDK, giving up after `ms`. */
  shutdown: (ms: number) => Promise<void>
}
