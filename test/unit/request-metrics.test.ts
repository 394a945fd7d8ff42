import { Counter, Histogram, Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { RequestMetrics } from '../../src/metrics/request-metrics.js'

const NAMES = {
  requests: { name: 'http_requests_total', help: 'HTTP requests served.' },
  duration: { name: 'http_request_duration_seconds', help: 'Time to answer.' }
}
const BOUNDS = [0.001, 0.01, 0.1, 1]
const OBSERVATIONS: Array<[Record<'route' | 'method' | 'status' | 'caller', string>, number]> = [
  [{ route: '/cards', method: 'GET', status: '200', caller: 'frontend' }, 0.0004],
  [{ route: '/cards', method: 'GET', status: '200', caller: 'frontend' }, 0.004],
  [{ route: '/cards', method: 'GET', status: '200', caller: 'frontend' }, 0.001],
  [{ route: '/cards', method: 'GET', status: '400', caller: 'anonymous' }, 0.2],
  [{ route: 'unmatched', method: 'POST', status: '404', caller: 'anonymous' }, 3],
  [{ route: '/cards', method: 'GET', status: '200', caller: 'frontend' }, 0.05]
]

/** The same observations through prom-client's own Counter and Histogram, and through RequestMetrics. */
function both (): { theirs: Registry, ours: Registry, metrics: RequestMetrics } {
  const theirs = new Registry()
  const labelNames = ['route', 'method', 'status', 'caller']
  const counter = new Counter({ ...NAMES.requests, labelNames, registers: [theirs] })
  const histogram = new Histogram({ ...NAMES.duration, labelNames, buckets: BOUNDS, registers: [theirs] })
  const ours = new Registry()
  const metrics = new RequestMetrics(ours, NAMES, BOUNDS)
  const series = new Map<string, ReturnType<RequestMetrics['series']>>()
  for (const [labels, seconds] of OBSERVATIONS) {
    counter.inc(labels)
    histogram.observe(labels, seconds)
    const key = JSON.stringify(labels)
    if (!series.has(key)) series.set(key, metrics.series(labels))
    metrics.observe(series.get(key) as ReturnType<RequestMetrics['series']>, seconds)
  }
  return { theirs, ours, metrics }
}

describe('RequestMetrics', () => {
  it('prints exactly what prom-client\'s Counter and Histogram print for the same observations', async () => {
    const { theirs, ours } = both()
    const text = await ours.metrics()
    expect(text).toBe(await theirs.metrics())
    expect(text).toContain('http_request_duration_seconds_bucket{le="0.001",route="/cards",method="GET",status="200",caller="frontend"} 2')
    expect(text).toContain('http_requests_total{route="unmatched",method="POST",status="404",caller="anonymous"} 1')
  })

  it('gives the same JSON', async () => {
    const { theirs, ours } = both()
    // Exemplars aside (the service records none): the same names, labels and values.
    const plain = async (registry: Registry): Promise<unknown> => (await registry.getMetricsAsJSON()).map((metric) => ({
      ...metric,
      values: metric.values.map((sample) => ({
        labels: sample.labels, value: sample.value, metricName: (sample as { metricName?: string }).metricName ?? metric.name
      }))
    }))
    expect(await plain(ours)).toEqual(await plain(theirs))
  })

  it('starts every series from zero again on resetMetrics', async () => {
    const { ours, metrics } = both()
    ours.resetMetrics()
    expect(await ours.metrics()).toContain('http_requests_total{route="/cards",method="GET",status="200",caller="frontend"} 0')
    const series = metrics.series({ route: '/healthz', method: 'GET', status: '200', caller: 'frontend' })
    metrics.observe(series, 0.02)
    expect(await ours.metrics())
      .toContain('http_request_duration_seconds_bucket{le="0.1",route="/healthz",method="GET",status="200",caller="frontend"} 1')
  })
})
