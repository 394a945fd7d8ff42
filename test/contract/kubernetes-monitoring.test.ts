import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap'
import { deploymentOf, only, render, type K8sObject } from '../helpers/kubernetes-renderings.js'

// The prometheus-operator component: a PodMonitor that scrapes the pods as the job the alerts select
// on, a PrometheusRule with exactly deploy/prometheus/alerts.yml's rules (their runbook links under
// the base an operator's overlay sets, as the guide shows), and the dashboard for Grafana's sidecar.

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')
const alerts = parse(read('deploy/prometheus/alerts.yml')) as { groups: Array<{ rules: Array<{ annotations?: Record<string, string> }> }> }
const job = (parse(read('deploy/prometheus/prometheus.yml')) as { scrape_configs: Array<{ job_name: string }> }).scrape_configs[0]?.job_name

interface PodMonitor extends K8sObject {
  spec: {
    jobLabel?: string
    selector: { matchLabels: Record<string, string> }
    podMetricsEndpoints: Array<{ port: string, path?: string }>
  }
}
interface PrometheusRule extends K8sObject { spec: { groups: typeof alerts.groups } }

/** The overlay the guide tells operators to write for their runbook links, taken from the guide itself. */
function guideOverlay (): Record<string, unknown> {
  const guide = read('docs/deploying-on-kubernetes.md')
  const section = guide.slice(guide.indexOf('### With the Prometheus Operator'))
  const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1]
  if (block === undefined) throw new Error('the guide shows no overlay under "With the Prometheus Operator"')
  const { resources: _resources, components: _components, ...overlay } = parse(block) as Record<string, unknown>
  return overlay
}

describe('the prometheus-operator component', () => {
  const objects = render('base with prometheus-operator')
  const { deployment } = deploymentOf(objects)

  it('scrapes the pods\' metrics port as the job the alerts and the dashboard select on', () => {
    const monitor = only<PodMonitor>(objects, 'PodMonitor')
    const podLabels = deployment.spec?.template.metadata?.labels ?? {}
    expect(monitor.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': podLabels['app.kubernetes.io/name'], 'app.kubernetes.io/instance': podLabels['app.kubernetes.io/instance']
    })
    expect(monitor.spec.podMetricsEndpoints.map((endpoint) => endpoint.port)).toEqual(['metrics'])
    expect(podLabels[monitor.spec.jobLabel ?? '']).toBe(job)
  })

  it('holds exactly the rules of deploy/prometheus/alerts.yml', () => {
    expect(only<PrometheusRule>(objects, 'PrometheusRule').spec.groups).toEqual(alerts.groups)
  })

  it('ships the dashboard as a ConfigMap labelled for Grafana\'s sidecar', () => {
    const dashboards = objects.filter((object) => object.metadata.labels?.grafana_dashboard === '1') as IConfigMap[]
    expect(dashboards).toHaveLength(1)
    expect(JSON.parse(Object.values(dashboards[0]?.data ?? {})[0] ?? '')).toEqual(JSON.parse(read('deploy/grafana/wxpay-cards-bff.json')))
  })

  it('puts every runbook link under the base the guide\'s overlay sets, absolute', () => {
    const overlay = guideOverlay()
    const rule = only<PrometheusRule>(render('base with prometheus-operator', overlay), 'PrometheusRule')
    const document = JSON.stringify(overlay).match(/https:\/\/[^"#]+\.md/)?.[0]
    expect(document).toBeDefined()
    expect(document).not.toContain('example.com/wxpay-cards-bff')
    const links = rule.spec.groups.flatMap((group) => group.rules.flatMap((entry) => entry.annotations?.runbook_url ?? []))
    expect(links.length).toBe(alerts.groups.flatMap((group) => group.rules.filter((entry) => entry.annotations !== undefined)).length)
    for (const link of links) expect(link).toMatch(new RegExp(`^${(document as string).replace(/[.?+]/g, '\\$&')}#[a-z]+$`))
  })
})
