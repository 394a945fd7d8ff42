import { isIP, isIPv4 } from 'node:net'
import type { ConfigReader } from './reader.js'

/** The range names Fastify's proxy-addr knows besides addresses. */
const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal']

/**
 * TRUST_PROXY: unset or `false` (the caller's address is the socket's), `true` (trust every proxy),
 * a number of hops, or a comma-separated list of proxy addresses or CIDRs, as Fastify takes them.
 * The list is checked here, with every other variable: Fastify would only throw on a bad entry
 * while the app is being built, with a stack trace instead of the configuration error.
 */
export function readTrustProxy (read: ConfigReader, production: boolean): boolean | number | string {
  const value = read.optional('TRUST_PROXY')
  if (value === undefined || value === 'false') return false
  if (value === 'true') {
    if (production) {
      read.warning('TRUST_PROXY=true believes any X-Forwarded-For, so a caller can choose its own address ' +
        '(and escape the per-caller limit): set the number of proxies in front of the service, or their addresses')
    }
    return true
  }
  if (/^\d+$/.test(value)) return Number(value)
  const bad = value.split(',').map((entry) => entry.trim()).filter((entry) => !isProxyAddress(entry))
  if (bad.length > 0) {
    read.problem('TRUST_PROXY must be true, false, a hop count, or comma-separated proxy addresses or CIDRs ' +
      `(e.g. 10.0.0.0/8): not ${bad.map((entry) => `"${entry}"`).join(', ')}`)
    return false
  }
  return value
}

/** What proxy-addr accepts: a range name, an address, or an address with a prefix length or an IPv4 netmask. */
function isProxyAddress (entry: string): boolean {
  if (NAMED_RANGES.includes(entry)) return true
  const slash = entry.lastIndexOf('/')
  const version = isIP(slash === -1 ? entry : entry.slice(0, slash))
  if (version === 0) return false
  if (slash === -1) return true
  const range = entry.slice(slash + 1)
  if (/^\d+$/.test(range)) return Number(range) >= 1 && Number(range) <= (version === 4 ? 32 : 128)
  return version === 4 && isNetmask(range)
}

function isNetmask (mask: string): boolean {
  if (!isIPv4(mask)) return false
  const bits = mask.split('.').map((octet) => Number(octet).toString(2).padStart(8, '0')).join('')
  return /^1+0*$/.test(bits)
}
