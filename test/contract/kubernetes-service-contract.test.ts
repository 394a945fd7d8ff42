import type { KeyObject } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { IContainerPort } from 'kubernetes-models/v1/ContainerPort'
import { loadConfig } from '../../src/config/config.js'
import { VARIABLE_NAMES, VARIABLES } from '../../src/config/variables.js'
import { generateSandboxCredentials } from '../../src/sandbox/credentials.js'
import { containerEnvironment, deploymentOf, render, RENDERINGS, type RenderingName } from '../helpers/kubernetes-renderings.js'
import { redisSettings } from '../helpers/redis-server.js'

// The manifests against what the service actually reads, listens on and needs: its variables, its
// port and probe paths, the Dockerfile's user, its shutdown grace, and where its secrets come from.

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')
const names = Object.keys(RENDERINGS) as RenderingName[]

/** The container port of that name (or number), or undefined. */
function portOf (ports: IContainerPort[] | undefined, ref: string | number | undefined): number | undefined {
  return ports?.find((port) => port.name === ref || port.containerPort === ref)?.containerPort
}

/** The uid of the Dockerfile's last USER, which must be numeric (`uid:gid`) so the kubelet can check runAsNonRoot. */
function dockerfileUid (): number {
  const user = [...read('Dockerfile').matchAll(/^USER\s+(\S+)\s*$/gm)].at(-1)?.[1]
  if (user === undefined) throw new Error('the Dockerfile sets no USER')
  if (!/^\d+(:\d+)?$/.test(user)) throw new Error(`the Dockerfile's USER is not numeric: ${user}`)
  return Number.parseInt(user, 10)
}

describe.each(names)('%s: what the pod is given', (name) => {
  const objects = render(name)
  const { container } = deploymentOf(objects)
  const env = containerEnvironment(objects, container)

  it('sets only variables the service reads (a typo would be ignored silently)', () => {
    // Besides the service's own: the OpenTelemetry SDK's OTEL_*, and downward-API values that only
    // serve as $(NAME) in another entry.
    const referenced = (container.env ?? []).flatMap((entry) => [...(entry.value ?? '').matchAll(/\$\((\w+)\)/g)].map((match) => match[1]))
    expect(env.names.filter((variable) =>
      !(VARIABLE_NAMES as string[]).includes(variable) && !variable.startsWith('OTEL_') && !referenced.includes(variable))).toEqual([])
    expect(new Set(env.names).size).toBe(env.names.length)
  })

  it('gives the keys (and any callers file) as read-only files of a Secret and never as environment values', () => {
    expect(env.names).not.toContain('WECHATPAY_PRIVATE_KEY')
    expect(env.names).not.toContain('WECHATPAY_PUBLIC_KEY')
    const volumes = deploymentOf(objects).deployment.spec?.template.spec?.volumes ?? []
    const files = ['WECHATPAY_PRIVATE_KEY_FILE', 'WECHATPAY_PUBLIC_KEY_FILE', 'CALLERS_FILE']
      .filter((variable) => variable in env.fromConfigMaps)
    expect(files.length).toBeGreaterThanOrEqual(2)
    for (const variable of files) {
      const file = env.fromConfigMaps[variable] ?? ''
      const mount = container.volumeMounts?.find((candidate) => file.startsWith(`${candidate.mountPath}/`))
      expect(mount, `${variable}=${file} is under no mount`).toBeDefined()
      expect(mount?.readOnly).toBe(true)
      // Without subPath: a file under subPath never sees the Secret's updates (a rotated token).
      expect(mount?.subPath).toBeUndefined()
      expect(volumes.find((volume) => volume.name === mount?.name)?.secret?.secretName).toBeDefined()
    }
  })

  it('takes the APIv3 key and every token or password from Secret references, not values', () => {
    for (const variable of ['WECHATPAY_APIV3_KEY', 'INTERNAL_API_TOKENS', 'CACHE_ADMIN_TOKENS', 'REDIS_PASSWORD']) {
      const entry = container.env?.find((candidate) => candidate.name === variable)
      expect(entry?.valueFrom?.secretKeyRef?.name, variable).toBeDefined()
      expect(entry?.value, variable).toBeUndefined()
      expect(env.fromConfigMaps, variable).not.toHaveProperty(variable)
    }
  })

  it(`names a Redis the service reads as ${RENDERINGS[name].redis}`, () => {
    expect(redisSettings(env.fromConfigMaps).topology).toBe(RENDERINGS[name].redis)
  })

  it('is a configuration the service accepts once the merchant and the Secrets are filled in', () => {
    const merchant = generateSandboxCredentials()
    const dir = mkdtempSync(join(tmpdir(), 'wxpay-k8s-keys-'))
    try {
      // Stand-ins for the Secret's files (their paths are checked above) and the operator's values.
      const file = (base: string, pem: string): string => { writeFileSync(join(dir, base), pem); return join(dir, base) }
      const pem = (key: KeyObject, type: 'pkcs8' | 'spki'): string => key.export({ type, format: 'pem' }).toString()
      const config = loadConfig({
        ...env.fromConfigMaps,
        WECHATPAY_MCHID: merchant.mchid,
        WECHATPAY_MERCHANT_SERIAL_NO: merchant.merchantSerialNo,
        WECHATPAY_PUBLIC_KEY_ID: merchant.wechatpayPublicKeyId,
        WECHATPAY_PRIVATE_KEY_FILE: file('apiclient_key.pem', pem(merchant.merchantPrivateKey, 'pkcs8')),
        WECHATPAY_PUBLIC_KEY_FILE: file('pub_key.pem', pem(merchant.wechatpayPublicKey, 'spki')),
        INTERNAL_API_TOKENS: 'a-caller-token-0123456789',
        ...('CALLERS_FILE' in env.fromConfigMaps ? { CALLERS_FILE: file('callers', 'web-frontend 8f2c1e0b7d6a4f3e9c5b2a1d\n') } : {})
      })
      expect(config.server.nodeEnv).toBe('production')
      expect(config.protection.callersFile !== undefined).toBe(name === 'base with named-callers')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('stops with the merchant left empty, rather than serving as a sandbox', () => {
    expect(() => loadConfig({ ...env.fromConfigMaps })).toThrow(/WECHATPAY_MCHID|WECHATPAY_PRIVATE_KEY/)
  })
})

describe('the base: ports and probes', () => {
  const objects = render('base')
  const { deployment, container } = deploymentOf(objects)
  const { fromConfigMaps } = containerEnvironment(objects, container)
  const openapi = JSON.parse(read('openapi/openapi.json')) as { paths: Record<string, unknown> }
  const servicePort = Number(fromConfigMaps.PORT ?? VARIABLES.PORT.default)

  it('exposes PORT as the container port named http', () => {
    expect(portOf(container.ports, 'http')).toBe(servicePort)
  })

  it.each([
    ['readinessProbe', '/readyz'], ['livenessProbe', '/healthz']
  ] as const)('%s asks %s on the service port', (probe, path) => {
    expect(container[probe]?.httpGet?.path).toBe(path)
    expect(portOf(container.ports, container[probe]?.httpGet?.port)).toBe(servicePort)
    expect(openapi.paths).toHaveProperty(path)
  })

  it('has a startup probe on a route the service serves, on the service port', () => {
    const path = container.startupProbe?.httpGet?.path ?? ''
    expect(openapi.paths).toHaveProperty(path)
    expect(portOf(container.ports, container.startupProbe?.httpGet?.port)).toBe(servicePort)
  })

  it('serves /metrics on METRICS_PORT, a port of its own that Prometheus is told to scrape', () => {
    const metricsPort = Number(fromConfigMaps.METRICS_PORT)
    expect(metricsPort).toBeGreaterThan(0)
    expect(metricsPort).not.toBe(servicePort)
    expect(portOf(container.ports, 'metrics')).toBe(metricsPort)
    // No prometheus.io/* annotations: a Prometheus discovering pods by them would scrape under a job
    // name of its own, which no alert selects, and the service would look scraped while every rule is blind.
    expect(Object.keys(deployment.spec?.template.metadata?.annotations ?? {}).filter((key) => key.startsWith('prometheus.io/'))).toEqual([])
  })
})

describe('the base: the pod', () => {
  const objects = render('base')
  const { deployment, container } = deploymentOf(objects)
  const { fromConfigMaps } = containerEnvironment(objects, container)
  const pod = deployment.spec?.template.spec

  it('runs as the Dockerfile\'s user, non-root, read-only, without privileges, under a seccomp profile', () => {
    expect(pod?.securityContext?.runAsNonRoot).toBe(true)
    expect(pod?.securityContext?.runAsUser).toBe(dockerfileUid())
    expect(pod?.securityContext?.seccompProfile?.type).toMatch(/^(RuntimeDefault|Localhost)$/)
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }
    })
    expect(container.securityContext?.capabilities?.add ?? []).toEqual([])
  })

  it('mounts no service account token', () => {
    expect(pod?.automountServiceAccountToken).toBe(false)
    const account = objects.find((object) => object.kind === 'ServiceAccount')
    expect(account?.metadata.name).toBe(pod?.serviceAccountName)
    expect(account?.automountServiceAccountToken).toBe(false)
  })

  it('gives the process longer than the preStop pause plus SHUTDOWN_GRACE_MS to stop', () => {
    const pause = container.lifecycle?.preStop?.exec?.command ?? []
    expect(pause.slice(0, -1)).toEqual(['/bin/sleep'])
    const pauseMs = Number(pause.at(-1)) * 1000
    expect(pauseMs).toBeGreaterThan(0)
    const graceMs = Number(fromConfigMaps.SHUTDOWN_GRACE_MS)
    expect((pod?.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(pauseMs + graceMs)
  })

  it('sets CPU and memory requests and limits, requests within limits', () => {
    const { requests, limits } = container.resources ?? {}
    for (const resource of ['cpu', 'memory']) {
      expect(requests?.[resource], resource).toBeDefined()
      expect(limits?.[resource], resource).toBeDefined()
    }
    const mebibytes = (quantity: unknown): number => Number(/^(\d+)Mi$/.exec(String(quantity))?.[1])
    expect(mebibytes(requests?.memory)).toBeLessThanOrEqual(mebibytes(limits?.memory))
  })

  it('leaves the replica count to the autoscaler and never rolls out below it', () => {
    expect(deployment.spec).not.toHaveProperty('replicas')
    expect(deployment.spec?.strategy?.rollingUpdate?.maxUnavailable).toBe(0)
  })

  it('spreads pods over nodes and zones', () => {
    const keys = (pod?.topologySpreadConstraints ?? []).map((constraint) => constraint.topologyKey)
    expect(keys).toEqual(expect.arrayContaining(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']))
  })
})
