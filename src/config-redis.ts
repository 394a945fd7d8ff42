import { readFileSync } from 'node:fs'
import type { ConfigReader } from './config-reader.js'

export interface RedisNode { host: string, port: number }

interface RedisCommon {
  /** REDIS_USERNAME: an ACL user; undefined: Redis' default user. */
  username: string | undefined
  /** REDIS_PASSWORD, or the password in REDIS_URL. Never logged: see `toJSON`. */
  password: string | undefined
  /** TLS to every Redis server (rediss:// or REDIS_TLS=true), with REDIS_TLS_CA_FILE's PEM if set. */
  tls: { ca: string | undefined } | undefined
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

const TOPOLOGY_VARIABLES = ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES']

/**
 * REDIS_URL (one Redis), REDIS_SENTINELS with REDIS_SENTINEL_NAME (Sentinel) or REDIS_CLUSTER_NODES
 * (Cluster): at most one of them. None: no Redis, each process caches for itself. Problems name the
 * variable and never echo a value that may hold a password.
 */
export function readRedisSettings (read: ConfigReader): RedisSettings | undefined {
  const chosen = TOPOLOGY_VARIABLES.filter((name) => read.optional(name) !== undefined)
  if (chosen.length > 1) {
    read.problem(`set only one of ${TOPOLOGY_VARIABLES.join(', ')} (got ${chosen.join(' and ')}): each selects a different Redis deployment`)
    return undefined
  }
  const password = read.optional('REDIS_PASSWORD')
  const common: RedisCommon = {
    username: read.optional('REDIS_USERNAME'),
    password,
    tls: read.oneOf('REDIS_TLS', ['true', 'false'], 'false') === 'true' ? { ca: readCa(read) } : undefined
  }
  if (common.tls === undefined && read.optional('REDIS_TLS_CA_FILE') !== undefined) {
    read.problem('REDIS_TLS_CA_FILE is set but TLS is off: set REDIS_TLS=true or use a rediss:// REDIS_URL')
  }

  let settings: RedisSettings | undefined
  if (chosen[0] === 'REDIS_URL') settings = fromUrl(read, common)
  else if (chosen[0] === 'REDIS_SENTINELS') {
    const sentinels = nodeList(read, 'REDIS_SENTINELS', 26379)
    const name = read.optional('REDIS_SENTINEL_NAME')
    if (name === undefined) read.problem('REDIS_SENTINEL_NAME is required with REDIS_SENTINELS: the primary\'s name in the sentinels\' configuration (sentinel monitor <name> …)')
    if (sentinels !== undefined && name !== undefined) {
      settings = { ...common, topology: 'sentinel', sentinels, name, sentinelPassword: read.optional('REDIS_SENTINEL_PASSWORD') }
    }
  } else if (chosen[0] === 'REDIS_CLUSTER_NODES') {
    const nodes = nodeList(read, 'REDIS_CLUSTER_NODES', 6379)
    if (nodes !== undefined) settings = { ...common, topology: 'cluster', nodes }
  }
  if (settings === undefined) {
    for (const name of ['REDIS_PASSWORD', 'REDIS_USERNAME', 'REDIS_TLS', 'REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_PASSWORD']) {
      if (chosen.length === 0 && read.optional(name) !== undefined) read.problem(`${name} is set but no Redis is: set REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES`)
    }
    return undefined
  }
  if (settings.topology !== 'sentinel') {
    for (const name of ['REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_PASSWORD']) {
      if (read.optional(name) !== undefined) read.problem(`${name} applies only with REDIS_SENTINELS`)
    }
  }
  return hidePassword(settings)
}

/** A single Redis: redis://[user:password@]host[:port][/db], or rediss:// for TLS. */
function fromUrl (read: ConfigReader, common: RedisCommon): RedisSettings | undefined {
  const raw = read.optionalUrl('REDIS_URL', ['redis:', 'rediss:'])
  if (raw === undefined) return undefined
  const url = new URL(raw)
  const db = url.pathname === '' || url.pathname === '/' ? 0 : Number(url.pathname.slice(1))
  if (!Number.isInteger(db) || db < 0 || db > 15 || url.search !== '') {
    read.problem('REDIS_URL must be redis://[user:password@]host[:port][/db] with db a number from 0 to 15, without a query string')
    return undefined
  }
  const urlPassword = url.password === '' ? undefined : decodeURIComponent(url.password)
  const urlUser = url.username === '' ? undefined : decodeURIComponent(url.username)
  if (urlPassword !== undefined && common.password !== undefined && urlPassword !== common.password) {
    read.problem('REDIS_URL holds a password and REDIS_PASSWORD a different one: set it in one place')
  }
  if (urlUser !== undefined && common.username !== undefined && urlUser !== common.username) {
    read.problem('REDIS_URL names a user and REDIS_USERNAME a different one: set it in one place')
  }
  return {
    username: common.username ?? urlUser,
    password: common.password ?? urlPassword,
    tls: url.protocol === 'rediss:' ? (common.tls ?? { ca: readCa(read) }) : common.tls,
    topology: 'single',
    node: { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port === '' ? 6379 : Number(url.port) },
    db
  }
}

/** Comma-separated host:port (or [ipv6]:port); a missing port is the usual one for that kind of node. */
function nodeList (read: ConfigReader, name: string, defaultPort: number): RedisNode[] | undefined {
  const nodes: RedisNode[] = []
  for (const item of read.list(name)) {
    const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]/@]+))(?::(\d{1,5}))?$/.exec(item)
    const port = match?.[3] === undefined ? defaultPort : Number(match[3])
    if (match === null || port < 1 || port > 65535) {
      read.problem(`${name} must be a comma-separated list of host:port (got "${item}")`)
      return undefined
    }
    nodes.push({ host: match[1] ?? match[2] ?? '', port })
  }
  if (nodes.length === 0) read.problem(`${name} must name at least one host:port`)
  return nodes.length === 0 ? undefined : nodes
}

function readCa (read: ConfigReader): string | undefined {
  const file = read.optional('REDIS_TLS_CA_FILE')
  if (file === undefined) return undefined
  try {
    const pem = readFileSync(file, 'utf8')
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM certificate')
    return pem
  } catch {
    read.problem('REDIS_TLS_CA_FILE must name a readable PEM file of CA certificates')
    return undefined
  }
}

/** The password stays out of logs and JSON dumps of the configuration. */
function hidePassword (settings: RedisSettings): RedisSettings {
  return Object.defineProperty(settings, 'toJSON', {
    enumerable: false,
    value: () => ({ ...settings, password: settings.password === undefined ? undefined : '[redacted]', ...(settings.topology === 'sentinel' && settings.sentinelPassword !== undefined ? { sentinelPassword: '[redacted]' } : {}) })
  })
}

/** Where Redis is, without credentials, for logs and readiness. */
export function redisLocation (settings: RedisSettings): string {
  const list = (nodes: RedisNode[]): string => nodes.map(hostPort).join(',')
  switch (settings.topology) {
    case 'single': return `${settings.tls === undefined ? 'redis' : 'rediss'}://${hostPort(settings.node)}${settings.db === 0 ? '' : `/${settings.db}`}`
    case 'sentinel': return `sentinel://${list(settings.sentinels)}/${settings.name}`
    case 'cluster': return `cluster://${list(settings.nodes)}`
  }
}

export function hostPort (node: RedisNode): string {
  return node.host.includes(':') ? `[${node.host}]:${node.port}` : `${node.host}:${node.port}`
}
