import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseAllDocuments } from 'yaml'
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment'
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap'
import type { IContainer } from 'kubernetes-models/v1/Container'

/** One rendered object, as kubectl printed it; its schema is checked by kind in the tests. */
export interface K8sObject {
  apiVersion: string
  kind: string
  metadata: { name: string, labels?: Record<string, string>, annotations?: Record<string, string> }
  [field: string]: unknown
}

const root = fileURLToPath(new URL('../../', import.meta.url))

/** What an operator renders: the base, each overlay, and the base with each component. */
export const RENDERINGS = {
  base: { path: 'deploy/kubernetes', redis: 'single' },
  'redis-sentinel': { path: 'deploy/kubernetes/overlays/redis-sentinel', redis: 'sentinel' },
  'redis-cluster': { path: 'deploy/kubernetes/overlays/redis-cluster', redis: 'cluster' },
  'base with otlp-egress': { path: 'deploy/kubernetes/base', components: ['deploy/kubernetes/components/otlp-egress'], redis: 'single' },
  'base with named-callers': {
    path: 'deploy/kubernetes/base', components: ['deploy/kubernetes/components/named-callers'], redis: 'single'
  },
  'base with prometheus-operator': {
    path: 'deploy/kubernetes/base', components: ['deploy/kubernetes/components/prometheus-operator'], redis: 'single'
  },
  'base with ingress': { path: 'deploy/kubernetes/base', components: ['deploy/kubernetes/components/ingress'], redis: 'single' }
} as const satisfies Record<string, { path: string, components?: string[], redis: string }>

export type RenderingName = keyof typeof RENDERINGS

/**
 * `kubectl kustomize` of one rendering (kubectl's built-in kustomize v5). Components, and any other
 * fields of an operator's overlay, are added through a kustomization in a temp dir.
 */
export function render (name: RenderingName, overlay: Record<string, unknown> = {}): K8sObject[] {
  const rendering: { path: string, components?: readonly string[] } = RENDERINGS[name]
  let dir = join(root, rendering.path)
  let temp: string | undefined
  if (rendering.components !== undefined || Object.keys(overlay).length > 0) {
    const from = mkdtempSync(join(tmpdir(), 'wxpay-kustomize-'))
    temp = from
    // Kustomize takes no absolute paths to other kustomizations.
    writeFileSync(join(from, 'kustomization.yaml'), JSON.stringify({
      resources: [relative(from, dir)],
      components: (rendering.components ?? []).map((component) => relative(from, join(root, component))),
      ...overlay
    }))
    dir = from
  }
  try {
    const text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    return parseAllDocuments(text).map((doc) => doc.toJS() as K8sObject)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('kubectl is not installed: these tests render the manifests with its built-in kustomize (kubectl 1.27+)')
    }
    throw err
  } finally {
    if (temp !== undefined) rmSync(temp, { recursive: true, force: true })
  }
}

export function only<T> (objects: K8sObject[], kind: string): T {
  const found = objects.filter((object) => object.kind === kind)
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`)
  return found[0] as unknown as T
}

export function deploymentOf (objects: K8sObject[]): { deployment: IDeployment, container: IContainer } {
  const deployment = only<IDeployment>(objects, 'Deployment')
  const containers = deployment.spec?.template.spec?.containers ?? []
  if (containers.length !== 1) throw new Error(`expected one container, found ${containers.length}`)
  return { deployment, container: containers[0] as IContainer }
}

/** The environment the container gets from its ConfigMaps (envFrom) and its own `env` entries. */
export function containerEnvironment (objects: K8sObject[], container: IContainer): {
  fromConfigMaps: Record<string, string>
  names: string[]
} {
  const fromConfigMaps: Record<string, string> = {}
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name
    if (name === undefined) throw new Error('envFrom other than a ConfigMap')
    const configMap = objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === name) as IConfigMap | undefined
    if (configMap === undefined) throw new Error(`envFrom names a ConfigMap that is not rendered: ${name}`)
    Object.assign(fromConfigMaps, configMap.data)
  }
  const names = [...Object.keys(fromConfigMaps), ...(container.env ?? []).map((entry) => entry.name)]
  return { fromConfigMaps, names }
}
