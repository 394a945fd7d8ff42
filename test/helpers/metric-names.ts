import { ServiceMetrics } from '../../src/metrics/service-metrics.js'

/**
 * Every series name the service exports at /metrics: each metric of its registry, a histogram as its
 * `_bucket`, `_sum` and `_count` series, a summary with its `_sum` and `_count`. Gauges read at scrape time are
 * registered whether or not they have a value now (no Redis, no platform certificate).
 */
export async function exportedSeriesNames (): Promise<Set<string>> {
  const metrics = new ServiceMetrics({ redis: () => undefined, breakers: () => [], certificateExpiry: () => undefined })
  const names = new Set<string>()
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    // The JSON names the type as text ('histogram'), whatever prom-client's typings say.
    const type = String(metric.type)
    const suffixes = { histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'] }[type] ?? ['']
    for (const suffix of suffixes) names.add(`${metric.name}${suffix}`)
  }
  return names
}

/** Series every Prometheus has, or kube-state-metrics exports: not the service's, yet fine to query. */
export const isStandardSeries = (name: string): boolean => name === 'up' || name.startsWith('kube_')

const NOT_METRICS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool',
  'sum', 'min', 'max', 'avg', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group',
  'inf', 'nan'
])

/**
 * The metric names a PromQL expression reads: identifiers left once strings, label matchers, ranges,
 * label lists (`by (…)`, `on (…)`), Grafana variables, function calls and keywords are taken out.
 * Not a parser, but enough for the expressions this repository writes (a unit test holds it to that).
 */
export function metricNamesIn (expr: string): string[] {
  const text = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ')
  const names = new Set<string>()
  for (const match of text.matchAll(/(?<![\w.])([A-Za-z_:][\w:]*)(\s*\()?/g)) {
    const name = match[1] as string
    if (match[2] === undefined && !NOT_METRICS.has(name.toLowerCase())) names.add(name)
  }
  return [...names]
}
