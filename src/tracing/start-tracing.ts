import { diag, DiagLogLevel, trace } from '@opentelemetry/api'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { defaultResource, detectResources, envDetector, hostDetector, resourceFromAttributes } from '@opentelemetry/resources'
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions'
import type { BudgetWaitOutcome } from '../budget/upstream-budget.js'
import type { FleetWaitOutcome } from '../cache/fleet-fill.js'
import type { TracingConfig } from '../config/config.js'
import { SERVICE_NAME, SERVICE_VERSION } from '../version.js'
import type { AppTracing } from './app-tracing.js'
import { attemptSpans } from './attempt-spans.js'
import { activeSpanIds } from './log-fields.js'
import { traceRedis } from './redis-spans.js'
import { SdkDiagnostics } from './sdk-diagnostics.js'
import { serverSpans } from './server-spans.js'
import { spanExporter } from './span-exporter.js'
import { waitSpans } from './wait-spans.js'

/** Called before the app is imported: the instrumentation patches ioredis as it is first loaded. */
export async function startTracing (config: { tracesUrl: string, protocol: TracingConfig['protocol'] }): Promise<AppTracing> {
  const diagnostics = new SdkDiagnostics()
  diag.setLogger(diagnostics, DiagLogLevel.WARN)

  const provider = new NodeTracerProvider({
    resource: defaultResource()
      .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: SERVICE_NAME, [ATTR_SERVICE_VERSION]: SERVICE_VERSION }))
      .merge(detectResources({ detectors: [hostDetector, envDetector] })),
    spanProcessors: [new BatchSpanProcessor(await spanExporter(config))]
  })
  // Trace context only: W3C baggage would be passed on to no one (WeChat Pay is sent no trace header).
  provider.register({ propagator: new W3CTraceContextPropagator() })
  traceRedis(provider)

  const tracer = trace.getTracer(SERVICE_NAME, SERVICE_VERSION)
  return {
    plugin: serverSpans(),
    logFields: activeSpanIds,
    attempts: attemptSpans(tracer),
    budgetWait: waitSpans<BudgetWaitOutcome>(tracer, 'wait for the upstream budget', ['refused']),
    fleetWait: waitSpans<FleetWaitOutcome>(tracer, 'wait for another replica\'s fetch', ['failed', 'timeout']),
    reportTo: (log) => { diagnostics.attach(log) },
    shutdown: async (ms) => { await within(provider.shutdown(), ms) }
  }
}

/** Shutdown must not outlast its grace for a collector that is away. */
async function within (work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<void>((resolve) => { timer = setTimeout(resolve, Math.max(0, ms)) })
  try {
    await Promise.race([work.catch(() => {}), expired])
  } finally {
    clearTimeout(timer)
  }
}
