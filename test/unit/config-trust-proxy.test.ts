import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config/config.js'

// TRUST_PROXY is checked with every other variable. Each refused value below is one Fastify itself
// throws on, so without the check the process would crash with a stack trace while building the app.
const ACCEPTED = ['10.0.0.0/8, 192.168.1.1', 'loopback', 'loopback,uniquelocal', '::1', 'fe80::/10', '10.0.0.0/255.0.0.0', '203.0.113.7/32']
/** Each refused value, and the entries the problem names. */
const REFUSED = [
  ['maybe', '"maybe"'], ['TRUE', '"TRUE"'], ['10.0.0.0/33', '"10.0.0.0/33"'], ['10.0.0.0/0', '"10.0.0.0/0"'], ['::1/129', '"::1/129"'],
  ['10.0.0.0/255.0.255.0', '"10.0.0.0/255.0.255.0"'], ['10.0.0.1,', '""'], ['proxy.internal, 10.0.0.1', '"proxy.internal"']
]

function problems (env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env)
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as ConfigError).problems
  }
  throw new Error('loadConfig accepted the environment')
}

describe('TRUST_PROXY', () => {
  it.each(ACCEPTED)('takes %j as it is, and so does Fastify', (value) => {
    expect(loadConfig({ TRUST_PROXY: value }).server.trustProxy).toBe(value)
    expect(() => Fastify({ trustProxy: value })).not.toThrow()
  })

  it.each(REFUSED)('refuses %j in the configuration error, which Fastify would throw on', (value, named) => {
    expect(() => Fastify({ trustProxy: value })).toThrow()
    expect(problems({ TRUST_PROXY: value })).toEqual([
      `TRUST_PROXY must be true, false, a hop count, or comma-separated proxy addresses or CIDRs (e.g. 10.0.0.0/8): not ${named}`
    ])
  })

  it('is reported together with every other problem', () => {
    expect(problems({ TRUST_PROXY: 'maybe,10.0.0.0/33', PORT: 'eighty' })).toEqual([
      'PORT must be an integer from 0 to 65535 (got "eighty")',
      'TRUST_PROXY must be true, false, a hop count, or comma-separated proxy addresses or CIDRs (e.g. 10.0.0.0/8): ' +
        'not "maybe", "10.0.0.0/33"'
    ])
  })
})
