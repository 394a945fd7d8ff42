import { describe, expect, it } from 'vitest'
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler'
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy'
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer'
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget'
import type { IService } from 'kubernetes-models/v1/Service'
import { deploymentOf, only, render, RENDERINGS, type RenderingName } from '../helpers/kubernetes-renderings.js'

// How the objects find one another: selectors that match the pods, ports that exist, the autoscaler's
// target, and a NetworkPolicy that opens exactly what the service needs.

const names = Object.keys(RENDERINGS) as RenderingName[]

/** True when every label the selector asks for is on the pod. */
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>): boolean =>
  selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value)

describe.each(names)('%s', (name) => {
  const objects = render(name)
  const { deployment, container } = deploymentOf(objects)
  const podLabels = deployment.spec?.template.metadata?.labels ?? {}
  const policy = only<INetworkPolicy>(objects, 'NetworkPolicy')
  const portNames = (container.ports ?? []).map((port) => port.name)

  it('selects the pods from the Deployment, the Service, the budget and the policy', () => {
    expect(selects(deployment.spec?.selector.matchLabels, podLabels)).toBe(true)
    expect(selects(only<IService>(objects, 'Service').spec?.selector, podLabels)).toBe(true)
    expect(selects(only<IPodDisruptionBudget>(objects, 'PodDisruptionBudget').spec?.selector?.matchLabels, podLabels)).toBe(true)
    expect(selects(policy.spec?.podSelector.matchLabels, podLabels)).toBe(true)
  })

  it('points the Service at container ports that exist', () => {
    for (const port of only<IService>(objects, 'Service').spec?.ports ?? []) expect(portNames).toContain(port.targetPort)
  })

  it('scales the Deployment on CPU, three pods at least, one disrupted at most', () => {
    const autoscaler = only<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler')
    expect(autoscaler.spec?.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: deployment.metadata?.name })
    expect(autoscaler.spec?.minReplicas).toBeGreaterThanOrEqual(3)
    expect(autoscaler.spec?.metrics?.map((metric) => metric.resource?.name)).toEqual(['cpu'])
    expect(container.resources?.requests?.cpu).toBeDefined() // a CPU target needs a CPU request
    expect(only<IPodDisruptionBudget>(objects, 'PodDisruptionBudget').spec?.maxUnavailable).toBe(1)
  })

  it('lets callers reach the service port only, and Prometheus the metrics port only', () => {
    const rules = policy.spec?.ingress ?? []
    const ports = rules.map((rule) => (rule.ports ?? []).map((port) => port.port))
    // With the ingress component, the ingress controller's pods reach the service port too.
    expect(ports).toEqual(name === 'base with ingress' ? [['http'], ['metrics'], ['http']] : [['http'], ['metrics']])
    expect(rules[0]?.from?.[0]?.podSelector?.matchLabels).toEqual({ 'wxpay-cards-bff-caller': 'true' })
    expect(rules[1]?.from?.[0]?.podSelector?.matchLabels).toEqual({ 'app.kubernetes.io/name': 'prometheus' })
    for (const port of ports.flat()) expect(portNames).toContain(port)
  })

  it('lets the pods reach DNS, Redis and HTTPS, and nothing else unless asked', () => {
    const egress = policy.spec?.egress ?? []
    const reach = (peer: (to: INetworkPolicyPeer) => boolean): Array<string | number | undefined> =>
      egress.filter((rule) => rule.to?.some(peer)).flatMap((rule) => (rule.ports ?? []).map((port) => port.port))
    expect(reach((to) => to.podSelector?.matchLabels?.['k8s-app'] === 'kube-dns')).toEqual([53, 53])
    expect(reach((to) => to.ipBlock?.cidr === '0.0.0.0/0')).toEqual([443])
    expect(reach((to) => to.ipBlock?.cidr === '::/0')).toEqual([443])
    // The common Redis Cluster charts label their pods redis-cluster (the overlay's explicit patch).
    const redisName = RENDERINGS[name].redis === 'cluster' ? 'redis-cluster' : 'redis'
    const redisPorts = reach((to) => to.podSelector?.matchLabels?.['app.kubernetes.io/name'] === redisName)
    expect(redisPorts).toEqual(RENDERINGS[name].redis === 'sentinel' ? [6379, 26379] : [6379])
    // OTLP/HTTP only: the service sends no gRPC.
    const collector = reach((to) => to.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'opentelemetry-collector')
    expect(collector).toEqual(name === 'base with otlp-egress' ? [4318] : [])
    expect(egress).toHaveLength(name === 'base with otlp-egress' ? 4 : 3)
  })
})
