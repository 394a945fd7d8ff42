import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { exportedSeriesNames, isStandardSeries, metricNamesIn } from '../helpers/metric-names.js'

// The Grafana dashboard in deploy/grafana/: every query reads a series the service exports (or a
// standard one), through the dashboard's Prometheus variable, in the namespace the viewer picks, no
// panel mixes units, and the panels cover what an operator watches.

interface Panel {
  id: number
  type: string
  title: string
  datasource?: { type: string, uid: string }
  fieldConfig?: { defaults?: { unit?: string } }
  targets?: Array<{ refId: string, expr: string }>
}

/**
 * What an expression's values measure: quantiles and gauges of seconds are durations, a rate of
 * CPU seconds is cores, other rates are per second, days left are days, `_bytes` are bytes, the rest counts.
 */
function measure (expr: string): string {
  if (/\/ 86400\b/.test(expr)) return 'days'
  if (/histogram_quantile\(/.test(expr)) return 'seconds'
  if (/rate\(process_cpu_seconds_total/.test(expr)) return 'cores'
  if (/rate\(/.test(expr)) return 'per second'
  if (/_seconds\{/.test(expr)) return 'seconds'
  if (/_bytes\{/.test(expr)) return 'bytes'
  return 'count'
}

const dashboard = JSON.parse(readFileSync(new URL('../../deploy/grafana/wxpay-cards-bff.json', import.meta.url), 'utf8')) as {
  uid: string
  title: string
  templating: { list: Array<{ name: string, type: string, query: string | { query: string } }> }
  panels: Panel[]
}
const queried = dashboard.panels.filter((panel) => panel.type !== 'row')
const exprs = queried.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr))

describe('deploy/grafana/wxpay-cards-bff.json', () => {
  it('is a dashboard with a uid, unique panel ids and a Prometheus data source variable', () => {
    expect(dashboard.uid).toBe('wxpay-cards-bff')
    const ids = dashboard.panels.map((panel) => panel.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(dashboard.templating.list)
      .toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }))
  })

  it('queries through the data source variable, in every panel', () => {
    for (const panel of queried) {
      // eslint-disable-next-line no-template-curly-in-string -- Grafana's variable syntax, not a JavaScript template
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' })
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0)
    }
  })

  it('has a namespace variable that every selector of every query uses', () => {
    const variable = dashboard.templating.list.find((entry) => entry.name === 'namespace')
    expect(variable?.type).toBe('query')
    expect(JSON.stringify(variable?.query)).toMatch(/label_values\(up\{job=\\"wxpay-cards-bff\\"\}, namespace\)/)
    for (const expr of exprs) {
      const selectors = expr.match(/[a-z_:]+\{[^}]*\}/g) ?? []
      expect(selectors.length, expr).toBeGreaterThan(0)
      for (const selector of selectors) expect(selector, expr).toContain('namespace="$namespace"')
    }
  })

  it('mixes no units within a panel', () => {
    for (const panel of queried) {
      const measures = new Set((panel.targets ?? []).map((target) => measure(target.expr)))
      expect([...measures], panel.title).toHaveLength(1)
    }
  })

  it('reads only series the service exports, and standard ones (up, kube-state-metrics)', async () => {
    const exported = await exportedSeriesNames()
    const read = exprs.flatMap((expr) => metricNamesIn(expr))
    expect(read.length).toBeGreaterThanOrEqual(exprs.length)
    expect(read.filter((name) => !exported.has(name) && !isStandardSeries(name))).toEqual([])
  })

  it('shows requests by status, cache outcomes, WeChat Pay latency and codes, budget, breakers and Redis', () => {
    const read = new Set(exprs.flatMap((expr) => metricNamesIn(expr)))
    for (const name of [
      'http_requests_total', 'cards_cache_outcomes_total', 'wechatpay_request_duration_seconds_bucket',
      'wechatpay_request_duration_seconds_count', 'wechatpay_budget_takes_total', 'wechatpay_circuit_open',
      'wxpay_cards_bff_redis_up', 'wxpay_cards_bff_redis_primaries'
    ]) expect(read, name).toContain(name)
    // Deprecated names (kept at /metrics for one release) are read by no panel.
    expect([...read].filter((name) => /^redis_/.test(name))).toEqual([])
    expect(exprs.join('\n')).toMatch(/sum by \(status\) \(rate\(http_requests_total/)
    expect(exprs.join('\n')).toMatch(/sum by \(outcome\) \(rate\(wechatpay_request_duration_seconds_count/)
  })
})
