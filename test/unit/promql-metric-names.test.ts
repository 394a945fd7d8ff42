import { describe, expect, it } from 'vitest'
import { metricNamesIn } from '../helpers/metric-names.js'

// The alert and dashboard tests trust this to find every metric an expression reads.
describe('metric names in a PromQL expression', () => {
  it('finds metrics, and not functions, keywords, labels, strings, ranges, numbers or Grafana variables', () => {
    const expr = 'histogram_quantile(0.95, sum by (le, host) (rate(a_bucket{job="x",outcome!~"ok|b c"}[$__rate_interval])))' +
      ' > 1 and on (job) up offset 1d unless ignoring (pod) min(b:c_total) - time() < 30 * 86400 / 1e3 or kube_pod_info{a="}"}'
    expect(metricNamesIn(expr).sort()).toEqual(['a_bucket', 'b:c_total', 'kube_pod_info', 'up'])
  })

  it('finds a bare metric and one before an aggregation\'s by clause', () => {
    expect(metricNamesIn('redis_up == 0')).toEqual(['redis_up'])
    expect(metricNamesIn('sum(rate(x_total[5m])) by (outcome)')).toEqual(['x_total'])
  })
})
