import { readFileSync } from 'node:fs'
import { parse, stringify } from 'yaml'

// Kustomize reads no file outside a kustomization's folder, so the Prometheus Operator component
// holds copies of deploy/prometheus/alerts.yml's rules and of the Grafana dashboard, generated here.

const COMPONENT = 'deploy/kubernetes/components/prometheus-operator'
const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')

/** The PrometheusRule: exactly the rule groups of alerts.yml. */
function renderPrometheusRule (): string {
  const { groups } = parse(read('deploy/prometheus/alerts.yml')) as { groups: unknown[] }
  const rule = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: 'wxpay-cards-bff',
      labels: { 'app.kubernetes.io/name': 'wxpay-cards-bff', 'app.kubernetes.io/instance': 'wxpay-cards-bff' }
    },
    spec: { groups }
  }
  return '# Generated from deploy/prometheus/alerts.yml by `npm run docs`: edit that file, not this one.\n' +
    stringify(rule, { lineWidth: 0 })
}

export const MONITORING_COMPONENT: Record<string, () => string> = {
  [`${COMPONENT}/prometheus-rule.yaml`]: renderPrometheusRule,
  [`${COMPONENT}/wxpay-cards-bff.json`]: () => read('deploy/grafana/wxpay-cards-bff.json')
}
