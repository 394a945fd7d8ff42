import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress'
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy'
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget'
import type { IService } from 'kubernetes-models/v1/Service'
import { longestRequestMs } from '../../src/config/config.js'
import { VARIABLES } from '../../src/config/variables.js'
import { CARDS_PAGE_MAX } from '../../src/wechatpay/endpoints/cards.js'
import { containerEnvironment, deploymentOf, only, render } from '../helpers/kubernetes-renderings.js'

// What real clusters need beyond a valid manifest: scheduling around tainted nodes, a shutdown that
// outlasts the longest request, IPv6, an egress rule that cannot reach private addresses, labels that
// tell two deployments apart, sizes from the measurements, and the overlays' Redis wiring.

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')
const INSTANCE = { 'app.kubernetes.io/name': 'wxpay-cards-bff', 'app.kubernetes.io/instance': 'wxpay-cards-bff' }

describe('the base', () => {
  const objects = render('base')
  const { deployment, container } = deploymentOf(objects)
  const { fromConfigMaps } = containerEnvironment(objects, container)
  const pod = deployment.spec?.template.spec
  const policy = only<INetworkPolicy>(objects, 'NetworkPolicy')

  it('counts only nodes that can take a pod when it spreads them', () => {
    const constraints = pod?.topologySpreadConstraints ?? []
    expect(constraints).toHaveLength(2)
    for (const constraint of constraints) expect(constraint.nodeTaintsPolicy, constraint.topologyKey).toBe('Honor')
  })

  it('gives in-flight requests as long as the longest legitimate request, and the kubelet more', () => {
    const int = (name: keyof typeof VARIABLES): number => Number(fromConfigMaps[name] ?? (VARIABLES[name] as { default?: number }).default)
    const longest = longestRequestMs({
      cardsAllMax: int('CARDS_ALL_MAX'), upstreamMaxRps: int('UPSTREAM_MAX_RPS'), timeoutMs: int('WECHATPAY_TIMEOUT_MS')
    })
    // 1000 cards at 20 a page, 5 pages a second, twice, with a 5 s timeout each time: 30 s.
    expect(CARDS_PAGE_MAX).toBe(20)
    expect(longest).toBe(30_000)
    const graceMs = Number(fromConfigMaps.SHUTDOWN_GRACE_MS)
    expect(graceMs).toBeGreaterThanOrEqual(longest)
    const pauseMs = Number(container.lifecycle?.preStop?.exec?.command?.at(-1)) * 1000
    expect((pod?.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(pauseMs + graceMs)
  })

  it('listens on every IPv6 and IPv4 address, and may reach WeChat Pay over either', () => {
    expect(fromConfigMaps.HOST).toBe('::')
    const https = (policy.spec?.egress ?? []).filter((rule) => rule.ports?.some((port) => port.port === 443))
    expect(https).toHaveLength(1)
    expect(https[0]?.to?.map((peer) => peer.ipBlock?.cidr)).toEqual(['0.0.0.0/0', '::/0'])
  })

  it('keeps the private, shared and link-local ranges out of the HTTPS egress rule', () => {
    const https = (policy.spec?.egress ?? []).find((rule) => rule.ports?.some((port) => port.port === 443))
    const except = (https?.to ?? []).flatMap((peer) => peer.ipBlock?.except ?? [])
    expect(except).toEqual(expect.arrayContaining([
      '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', 'fc00::/7', 'fe80::/10'
    ]))
  })

  it('selects by name and instance everywhere, so two deployments in a namespace never share pods', () => {
    expect(deployment.spec?.template.metadata?.labels).toMatchObject(INSTANCE)
    expect(deployment.spec?.selector.matchLabels).toEqual(INSTANCE)
    expect(only<IService>(objects, 'Service').spec?.selector).toEqual(INSTANCE)
    expect(only<IPodDisruptionBudget>(objects, 'PodDisruptionBudget').spec?.selector?.matchLabels).toEqual(INSTANCE)
    expect(policy.spec?.podSelector.matchLabels).toEqual(INSTANCE)
    for (const constraint of pod?.topologySpreadConstraints ?? []) expect(constraint.labelSelector?.matchLabels).toEqual(INSTANCE)
  })

  it('runs as a uid above 10000, so it maps to no user of the node', () => {
    expect(pod?.securityContext?.runAsUser).toBeGreaterThan(10_000)
    expect(pod?.securityContext?.runAsGroup).toBe(pod?.securityContext?.runAsUser)
  })

  it('asks for the memory measured after load plus the in-process cache, and for ephemeral storage', () => {
    const mib = (quantity: unknown): number => Number(/^(\d+)Mi$/.exec(String(quantity))?.[1])
    // docs/performance.md's range of RSS after the load; its top is the peak to cover.
    const peakMb = Number(/RSS after the load ≤ \d+ MB \| \d+–(\d+) MB/.exec(read('docs/performance.md'))?.[1])
    expect(peakMb).toBeGreaterThan(100)
    const cacheMaxBytes = Number(fromConfigMaps.CACHE_MAX_BYTES ?? VARIABLES.CACHE_MAX_BYTES.default)
    const { requests, limits } = container.resources ?? {}
    expect(mib(requests?.memory) * 2 ** 20).toBeGreaterThanOrEqual(peakMb * 1e6 + cacheMaxBytes)
    expect(mib(limits?.memory)).toBeGreaterThan(mib(requests?.memory))
    expect(mib(requests?.['ephemeral-storage'])).toBeGreaterThan(0)
    expect(mib(limits?.['ephemeral-storage'])).toBeGreaterThanOrEqual(mib(requests?.['ephemeral-storage']))
  })
})

describe('the Redis overlays', () => {
  it('Sentinel: hands the sentinels\' password from the Secret when it is there', () => {
    const { container } = deploymentOf(render('redis-sentinel'))
    const entry = container.env?.find((candidate) => candidate.name === 'REDIS_SENTINEL_PASSWORD')
    expect(entry?.valueFrom?.secretKeyRef).toEqual({ name: 'wxpay-cards-bff-credentials', key: 'REDIS_SENTINEL_PASSWORD', optional: true })
  })

  it('Cluster: lets the pods reach the Cluster\'s nodes by the label the common charts set', () => {
    const policy = only<INetworkPolicy>(render('redis-cluster'), 'NetworkPolicy')
    const redis = (policy.spec?.egress ?? []).find((rule) => rule.ports?.some((port) => port.port === 6379))
    expect(redis?.to).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'redis-cluster' } } }])
  })
})

describe('the ingress component', () => {
  const objects = render('base with ingress')
  const { container } = deploymentOf(objects)
  const { fromConfigMaps } = containerEnvironment(objects, container)

  it('routes /cards to the Service\'s http port over TLS', () => {
    const ingress = only<IIngress>(objects, 'Ingress')
    const rule = ingress.spec?.rules?.[0]
    expect(rule?.http?.paths.map((path) => [path.path, path.backend.service?.name, path.backend.service?.port?.name]))
      .toEqual([['/cards', only<IService>(objects, 'Service').metadata?.name, 'http']])
    expect(ingress.spec?.tls?.[0]?.hosts).toEqual([rule?.host])
  })

  it('sets CORS_ORIGINS for the frontends and trusts the controller\'s X-Forwarded-For, one hop', () => {
    expect(fromConfigMaps.CORS_ORIGINS).toMatch(/^https:\/\//)
    expect(fromConfigMaps.TRUST_PROXY).toBe('1')
  })

  it('admits the ingress controller\'s pods to the service port, and only that', () => {
    const ingress = only<INetworkPolicy>(objects, 'NetworkPolicy').spec?.ingress ?? []
    const controller = ingress.find((rule) =>
      rule.from?.some((peer) => peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'ingress-nginx'))
    expect(controller?.ports).toEqual([{ port: 'http' }])
  })
})

describe('the otlp-egress component', () => {
  const objects = render('base with otlp-egress')
  const { container } = deploymentOf(objects)
  const { fromConfigMaps } = containerEnvironment(objects, container)

  it('points the service\'s own exporter at the collector, on the one port it opens, with the pod as resource', () => {
    const endpoint = new URL(fromConfigMaps.OTEL_EXPORTER_OTLP_ENDPOINT ?? '')
    const policy = only<INetworkPolicy>(objects, 'NetworkPolicy')
    const collector = (policy.spec?.egress ?? []).find((rule) =>
      rule.to?.some((peer) => peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'opentelemetry-collector'))
    expect(collector?.ports).toEqual([{ port: Number(endpoint.port) }])
    const resource = container.env?.find((entry) => entry.name === 'OTEL_RESOURCE_ATTRIBUTES')?.value ?? ''
    expect(resource).toMatch(/\bk8s\.pod\.name=\$\(K8S_POD_NAME\)/)
    expect(resource).toMatch(/\bk8s\.namespace\.name=\$\(K8S_NAMESPACE_NAME\)/)
    // Downward-API values are defined before the entry that refers to them, or Kubernetes leaves $(…) as text.
    const names = (container.env ?? []).map((entry) => entry.name)
    expect(names.indexOf('K8S_POD_NAME')).toBeLessThan(names.indexOf('OTEL_RESOURCE_ATTRIBUTES'))
    // No injected auto-instrumentation: the image's NODE_OPTIONS stay its own.
    expect(names).not.toContain('NODE_OPTIONS')
  })
})
