import { describe, expect, it } from 'vitest'
import { Deployment } from 'kubernetes-models/apps/v1/Deployment'
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler'
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress'
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget'
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap'
import { Service } from 'kubernetes-models/v1/Service'
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount'
import { render, RENDERINGS, type K8sObject, type RenderingName } from '../helpers/kubernetes-renderings.js'

// Every object the manifests render is checked against the Kubernetes API's own schemas (the
// kubernetes-models packages), offline. Those schemas let unknown fields through, so the kinds and
// each object's top-level fields are checked here as well.

interface Validating { validate: () => void }
type ModelClass = new (data: never) => Validating

/** Each kind rendered, with its apiVersion and the fields the API defines at the top level. */
const MODELS: Record<string, { apiVersion: string, model: ModelClass, fields: string[] }> = {
  ServiceAccount: { apiVersion: 'v1', model: ServiceAccount, fields: ['automountServiceAccountToken'] },
  ConfigMap: { apiVersion: 'v1', model: ConfigMap, fields: ['data'] },
  Service: { apiVersion: 'v1', model: Service, fields: ['spec'] },
  Deployment: { apiVersion: 'apps/v1', model: Deployment, fields: ['spec'] },
  PodDisruptionBudget: { apiVersion: 'policy/v1', model: PodDisruptionBudget, fields: ['spec'] },
  HorizontalPodAutoscaler: { apiVersion: 'autoscaling/v2', model: HorizontalPodAutoscaler, fields: ['spec'] },
  NetworkPolicy: { apiVersion: 'networking.k8s.io/v1', model: NetworkPolicy, fields: ['spec'] },
  Ingress: { apiVersion: 'networking.k8s.io/v1', model: Ingress, fields: ['spec'] }
}

/** The Prometheus Operator's kinds have no schema package here: their shape is checked in kubernetes-monitoring.test.ts. */
const CUSTOM: Record<string, { apiVersion: string, fields: string[] }> = {
  PodMonitor: { apiVersion: 'monitoring.coreos.com/v1', fields: ['spec'] },
  PrometheusRule: { apiVersion: 'monitoring.coreos.com/v1', fields: ['spec'] }
}

/** What a component adds to the base. */
const ADDED: Partial<Record<RenderingName, string[]>> = {
  'base with prometheus-operator': ['ConfigMap/wxpay-cards-bff-dashboard', 'PodMonitor/wxpay-cards-bff', 'PrometheusRule/wxpay-cards-bff'],
  'base with ingress': ['Ingress/wxpay-cards-bff']
}

/** Every rendering holds these, no more: the Secrets are the operator's, never the repository's. */
const EXPECTED = [
  'ConfigMap/wxpay-cards-bff-redis', 'ConfigMap/wxpay-cards-bff-settings', 'Deployment/wxpay-cards-bff',
  'HorizontalPodAutoscaler/wxpay-cards-bff', 'NetworkPolicy/wxpay-cards-bff', 'PodDisruptionBudget/wxpay-cards-bff',
  'Service/wxpay-cards-bff', 'ServiceAccount/wxpay-cards-bff'
]

/** A generated ConfigMap's name ends in a hash of its contents; the kind and stem are what is expected. */
const stem = (object: K8sObject): string => `${object.kind}/${object.metadata.name.replace(/-[a-z0-9]{10}$/, '')}`

describe.each(Object.keys(RENDERINGS) as RenderingName[])('kubectl kustomize: %s', (name) => {
  const objects = render(name)

  it('renders exactly the expected objects, each of a kind and apiVersion this test knows', () => {
    expect(objects.map(stem).sort()).toEqual([...EXPECTED, ...ADDED[name] ?? []].sort())
    for (const object of objects) {
      expect(object.apiVersion, stem(object)).toBe((MODELS[object.kind] ?? CUSTOM[object.kind])?.apiVersion)
    }
  })

  it('validates every object against the Kubernetes API schemas', () => {
    for (const object of objects.filter((candidate) => !(candidate.kind in CUSTOM))) {
      const Model = MODELS[object.kind]?.model
      if (Model === undefined) throw new Error(`no schema for ${object.kind}`)
      expect(() => { new Model(object as never).validate() }, stem(object)).not.toThrow()
    }
  })

  it('has no top-level field the API does not define (the schemas would let it through)', () => {
    for (const object of objects) {
      const allowed = ['apiVersion', 'kind', 'metadata', ...((MODELS[object.kind] ?? CUSTOM[object.kind])?.fields ?? [])]
      expect(Object.keys(object).filter((field) => !allowed.includes(field)), stem(object)).toEqual([])
    }
  })
})

describe('the schema check', () => {
  it('refuses a malformed object, so a pass means something', () => {
    const bad = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { template: {} } }
    expect(() => { new Deployment(bad as never).validate() }).toThrow(/selector/)
  })
})
