import { readFileSync } from 'node:fs'
import { inspect } from 'node:util'
import type { ConfigReader } from './reader.js'
import type { VariableName, VariableOfKind } from './variables.js'

export interface RedisNode { host: string, port: number }

interface RedisCommon {
  /** REDIS_USERNAME: an ACL user; undefined: Redis' default user. */
  username: string | undefined
  /** REDIS_PASSWORD, or the password in REDIS_URL. Never logged: see `toJSON`. */
  password: string | undefined
  /**
   * TLS to every Redis server and sentinel (rediss:// or REDIS_TLS=true), with REDIS_TLS_CA_FILE's
   * PEM if set, and REDIS_TLS_SERVERNAME as the name certificates must carry: Sentinel and Cluster
   * hand out IP addresses, which certificates rarely name.
   */
  tls: { ca: string | undefined, servername: string | undefined } | undefined
}

/** Which Redis deployment the service shares with the rest of the fleet, and how to reach it. */
export type RedisSettings =
  | RedisCommon & { topology: 'single', node: RedisNode, db: number }
  | RedisCommon & {
    topology: 'sentinel'
    /** The sentinels to ask for the current primary. */
    sentinels: RedisNode[]
    /** The primary's name in the sentinels' configuration (`sentinel monitor <name> …`). */
    name: string
    /** REDIS_SENTINEL_PASSWORD: the sentinels' own password, if they require one. */
    sentinelPassword: string | undefined
  }
  | RedisCommon & { topology: 'cluster', nodes: RedisNode[] }

const TOPOLOGY_VARIABLES: VariableName[] = ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES']

/**
 * REDIS_URL (one Redis), REDIS_SENTINELS with REDIS_SENTINEL_NAME (Sentinel) or REDIS_CLUSTER_NODES
 * (Cluster): at most one of them. None: no Redis, each process caches for itself. Problems name the
 * variable and never echo a value that may hold a password.
 */
export function readRedisSettings (read: ConfigReader): RedisSettings | undefined {
  const chosen = TOPOLOGY_VARIABLES.filter((name) => read.optional(name) !== undefined)
  if (chosen.length > 1) {
    read.problem(`set only one of ${TOPOLOGY_VARIABLES.join(', ')} (got ${chosen.join(' and ')}): ` +
      'each selects a different Redis deployment')
    return undefined
  }
  const common: RedisCommon = {
    username: read.optional('REDIS_USERNAME'),
    password: read.optional('REDIS_PASSWORD'),
    tls: read.choice('REDIS_TLS') === 'true' ? readTls(read) : undefined
  }

  let settings: RedisSettings | undefined
  if (chosen[0] === 'REDIS_URL') settings = fromUrl(read, common)
  else if (chosen[0] === 'REDIS_SENTINELS') {
    const sentinels = nodeList(read, 'REDIS_SENTINELS', 26379)
    const name = read.optional('REDIS_SENTINEL_NAME')
    if (name === undefined) {
      read.problem('REDIS_SENTINEL_NAME is required with REDIS_SENTINELS: ' +
        'the primary\'s name in the sentinels\' configuration (sentinel monitor <name> …)')
    }
    if (sentinels !== undefined && name !== undefined) {
      settings = { ...common, topology: 'sentinel', sentinels, name, sentinelPassword: read.optional('REDIS_SENTINEL_PASSWORD') }
    }
  } else if (chosen[0] === 'REDIS_CLUSTER_NODES') {
    const nodes = nodeList(read, 'REDIS_CLUSTER_NODES', 6379)
    if (nodes !== undefined) settings = { ...common, topology: 'cluster', nodes }
  }
  if (settings === undefined) {
    // REDIS_TLS=false is what compose files and .env.example carry by default: not a choice.
    const set = ([
      'REDIS_PASSWORD', 'REDIS_USERNAME', 'REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_PASSWORD', 'REDIS_TLS_CA_FILE', 'REDIS_TLS_SERVERNAME'
    ] as VariableName[])
      .filter((name) => read.optional(name) !== undefined)
    if (read.optional('REDIS_TLS') === 'true') set.push('REDIS_TLS')
    for (const name of chosen.length === 0 ? set : []) {
      read.problem(`${name} is set but no Redis is: set REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES`)
    }
    return undefined
  }
  if (settings.tls === undefined) {
    for (const name of ['REDIS_TLS_CA_FILE', 'REDIS_TLS_SERVERNAME'] as const) {
      if (read.optional(name) !== undefined) read.problem(`${name} is set but TLS is off: set REDIS_TLS=true or use a rediss:// REDIS_URL`)
    }
  }
  if (settings.topology !== 'sentinel') {
    for (const name of ['REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_PASSWORD'] as const) {
      if (read.optional(name) !== undefined) read.problem(`${name} applies only with REDIS_SENTINELS`)
    }
  }
  return hidePassword(settings)
}

/** A single Redis: redis://[user:password@]host[:port][/db], or rediss:// for TLS. */
function fromUrl (read: ConfigReader, common: RedisCommon): RedisSettings | undefined {
  const raw = read.url('REDIS_URL')
  if (raw === undefined) return undefined
  const url = new URL(raw)
  const db = url.pathname === '' || url.pathname === '/' ? 0 : /^\/\d{1,2}$/.test(url.pathname) ? Number(url.pathname.slice(1)) : -1
  const urlPassword = decoded(url.password)
  const urlUser = decoded(url.username)
  if (db < 0 || db > 15 || url.search !== '' || url.hash !== '' || urlPassword === null || urlUser === null) {
    read.problem('REDIS_URL must be redis://[user:password@]host[:port][/db] with db a number from 0 to 15, without a query string; ' +
      'percent-encode reserved characters of the user and password (or use REDIS_USERNAME and REDIS_PASSWORD)')
    return undefined
  }
  if (urlPassword !== undefined && common.password !== undefined && urlPassword !== common.password) {
    read.problem('REDIS_URL holds a password and REDIS_PASSWORD a different one: set it in one place')
  }
  if (urlUser !== undefined && common.username !== undefined && urlUser !== common.username) {
    read.problem('REDIS_URL names a user and REDIS_USERNAME a different one: set it in one place')
  }
  return {
    username: common.username ?? urlUser,
    password: common.password ?? urlPassword,
    tls: url.protocol === 'rediss:' ? (common.tls ?? readTls(read)) : common.tls,
    topology: 'single',
    node: { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port === '' ? 6379 : Number(url.port) },
    db
  }
}

/** Undefined when empty, null when not valid percent-encoding. */
function decoded (part: string): string | undefined | null {
  if (part === '') return undefined
  try {
    return decodeURIComponent(part)
  } catch {
    return null
  }
}

/** Comma-separated host:port (or [ipv6]:port); a missing port is the usual one for that kind of node. */
function nodeList (read: ConfigReader, name: VariableOfKind<'list'>, defaultPort: number): RedisNode[] | undefined {
  const nodes: RedisNode[] = []
  for (const [index, item] of read.list(name).entries()) {
    const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]/@]+))(?::(\d{1,5}))?$/.exec(item)
    const port = match?.[3] === undefined ? defaultPort : Number(match[3])
    if (match === null || port < 1 || port > 65535) {
      // The item is not echoed: someone may have pasted a URL with a password into it.
      read.problem(`${name} must be a comma-separated list of host:port, without scheme or credentials (item ${index + 1} is not)`)
      return undefined
    }
    nodes.push({ host: match[1] ?? match[2] ?? '', port })
  }
  if (nodes.length === 0) read.problem(`${name} must name at least one host:port`)
  return nodes.length === 0 ? undefined : nodes
}

function readTls (read: ConfigReader): { ca: string | undefined, servername: string | undefined } {
  const file = read.optional('REDIS_TLS_CA_FILE')
  let ca: string | undefined
  if (file !== undefined) {
    try {
      ca = readFileSync(file, 'utf8')
      if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM certificate')
    } catch {
      read.problem('REDIS_TLS_CA_FILE must name a readable PEM file of CA certificates')
      ca = undefined
    }
  }
  return { ca, servername: read.optional('REDIS_TLS_SERVERNAME') }
}

/** The passwords stay out of logs, JSON dumps and console.log/util.inspect of the configuration. */
function hidePassword (settings: RedisSettings): RedisSettings {
  const redacted = (): Record<string, unknown> => ({
    ...settings,
    password: settings.password === undefined ? undefined : '[redacted]',
    ...(settings.topology === 'sentinel' && settings.sentinelPassword !== undefined ? { sentinelPassword: '[redacted]' } : {})
  })
  Object.defineProperty(settings, 'toJSON', { enumerable: false, value: redacted })
  return Object.defineProperty(settings, inspect.custom, { enumerable: false, value: redacted })
}

/** Where Redis is, without credentials, for logs and readiness. */
export function redisLocation (settings: RedisSettings): string {
  const list = (nodes: RedisNode[]): string => nodes.map(hostPort).join(',')
  switch (settings.topology) {
    case 'single': {
      const db = settings.db === 0 ? '' : `/${settings.db}`
      return `${settings.tls === undefined ? 'redis' : 'rediss'}://${hostPort(settings.node)}${db}`
    }
    case 'sentinel': return `sentinel://${list(settings.sentinels)}/${settings.name}`
    case 'cluster': return `cluster://${list(settings.nodes)}`
  }
}

export function hostPort (node: RedisNode): string {
  return node.host.includes(':') ? `[${node.host}]:${node.port}` : `${node.host}:${node.port}`
}
