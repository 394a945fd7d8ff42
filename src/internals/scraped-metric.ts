import type { Metric, Registry } from 'prom-client'
import type { ReliedOn } from './relied-on.js'

// Library internals, with the version they were checked against (test/unit/library-internals.test.ts).
export const RELIES_ON: readonly ReliedOn[] = [
  {
    package: 'prom-client',
    checked: '15.1.3',
    below: '16.0.0',
    internal: 'Registry.metrics() prints what an untyped getForPromString() returns (shared labels after the own), ' +
      'getMetricsAsJSON() what get() returns, resetMetrics() calls reset()'
  }
]

export interface Sample {
  labels: Record<string, string | number>
  sharedLabels?: Record<string, string>
  value: number
  metricName?: string
}

export interface ScrapedMetric {
  name: string
  help: string
  type: 'counter' | 'histogram'
  values: () => Sample[]
  reset: () => void
}

/** Printed as prom-client prints its own Counter and Histogram. */
export function registerScrapedMetric (registry: Registry, metric: ScrapedMetric): void {
  const exported = (values: Sample[]): Record<string, unknown> =>
    ({ name: metric.name, help: metric.help, type: metric.type, values, aggregator: 'sum' })
  registry.registerMetric({
    name: metric.name,
    help: metric.help,
    type: metric.type,
    aggregator: 'sum',
    getForPromString: async () => exported(metric.values()),
    get: async () => exported(metric.values().map(({ labels, sharedLabels, value, metricName }) =>
      ({ labels: { ...labels, ...sharedLabels }, value, metricName }))),
    reset: metric.reset
  } as unknown as Metric)
}
