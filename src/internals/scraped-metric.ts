import type { Metric, Registry } from 'prom-client'
import type { ReliedOn } from './relied-on.js'

/**
 * Copies of library internals, kept here with the version they were checked against (each one
 * tested in test/unit/library-internals.test.ts): what prom-client's Registry asks of a metric.
 */
export const RELIES_ON: readonly ReliedOn[] = [
  {
    package: 'prom-client',
    checked: '15.1.3',
    below: '16.0.0',
    internal: 'Registry.metrics() prints what an untyped getForPromString() returns (shared labels after the own), ' +
      'getMetricsAsJSON() what get() returns, resetMetrics() calls reset()'
  }
]

/** One printed line: `labels` first, then `sharedLabels`, under `metricName` (default: the metric's). */
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
  /** Read at every scrape. */
  values: () => Sample[]
  reset: () => void
}

/**
 * Registers a metric whose samples are read at scrape time, printed as prom-client prints its own
 * Counter and Histogram: the registry asks for getForPromString() (text) or get() (JSON, whose
 * samples carry their shared labels among their own), and reset().
 */
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
