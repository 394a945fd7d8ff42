import type { FastifyPluginAsync } from 'fastify'
import type { BudgetWaitOutcome } from '../budget/upstream-budget.js'
import type { FleetWaitOutcome } from '../cache/fleet-fill.js'
import type { AttemptObserver } from '../wechatpay/client.js'

/** Types only: with tracing off no OpenTelemetry module is loaded. */
export interface AppTracing {
  /** Registered before anything else: the server span of every request, continuing the caller's trace. */
  plugin: FastifyPluginAsync
  logFields: () => Record<string, string>
  attempts: AttemptObserver
  budgetWait: () => (outcome: BudgetWaitOutcome) => void
  fleetWait: () => (outcome: FleetWaitOutcome) => void
  reportTo: (log: { warn: (fields: object, message: string) => void }) => void
  shutdown: (ms: number) => Promise<void>
}
