import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config/config.js'
import { redisLocation } from '../../src/config/redis.js'

const dir = mkdtempSync(join(tmpdir(), 'wxcards-redis-config-'))
afterAll(() => { rmSync(dir, { recursive: true, force: true }) })

function problems (env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) return err.problems
    throw err
  }
  throw new Error('loadConfig accepted an invalid environment')
}

describe('Redis settings: one Redis', () => {
  it('reads host, port, database and credentials from REDIS_URL', () => {
    const { redis: { settings: redis } } = loadConfig({ REDIS_URL: 'redis://svc:s%40cret@cache.internal:6390/2' })
    expect(redis).toEqual({
      topology: 'single',
      node: { host: 'cache.internal', port: 6390 },
      db: 2,
      username: 'svc',
      password: 's@cret',
      tls: undefined
    })
    expect(redisLocation(redis!)).toBe('redis://cache.internal:6390/2')
  })

  it('takes the password from REDIS_PASSWORD, TLS from rediss://, and the default port', () => {
    const { redis: { settings: redis } } = loadConfig({ REDIS_URL: 'rediss://cache.internal', REDIS_PASSWORD: 'pw-from-env' })
    expect(redis).toMatchObject({
      topology: 'single',
      node: { host: 'cache.internal', port: 6379 },
      password: 'pw-from-env',
      tls: { ca: undefined }
    })
    expect(redisLocation(redis!)).toBe('rediss://cache.internal:6379')
  })

  it('refuses two different passwords, a database out of range and a query string', () => {
    expect(problems({ REDIS_URL: 'redis://:one@cache:6379', REDIS_PASSWORD: 'two' })).toEqual([
      'REDIS_URL holds a password and REDIS_PASSWORD a different one: set it in one place'
    ])
    expect(problems({ REDIS_URL: 'redis://cache:6379/16' })[0]).toMatch(/^REDIS_URL must be redis:\/\/\[user:password@\]host/)
    expect(problems({ REDIS_URL: 'redis://cache:6379/0?family=6' })[0]).toMatch(/without a query string/)
  })

  it('never echoes a URL or a node that may hold a password', () => {
    expect(problems({ REDIS_URL: 'http://user:hunter2@cache:6379' })).toEqual(['REDIS_URL must be a redis: or rediss: URL'])
    expect(problems({ REDIS_CLUSTER_NODES: 'redis://:hunter2@node-1:7000' }).join(' ')).not.toContain('hunter2')
    expect(problems({ REDIS_SENTINELS: 'user:hunter2@s1:26379', REDIS_SENTINEL_NAME: 'cards' }).join(' ')).not.toContain('hunter2')
  })

  it('reports a badly percent-encoded password as a problem, not a crash', () => {
    expect(problems({ REDIS_URL: 'redis://:50%zz@cache:6379' })[0]).toMatch(/percent-encode reserved characters/)
  })

  it('accepts a private CA with rediss://, and starts without Redis when REDIS_TLS=false is all that is set', () => {
    const ca = join(dir, 'single-ca.pem')
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')
    const { redis: { settings: redis } } = loadConfig({ REDIS_URL: 'rediss://cache.internal:6380', REDIS_TLS_CA_FILE: ca, REDIS_TLS_SERVERNAME: 'cache.internal' })
    expect(redis?.tls).toEqual({ ca: expect.stringContaining('BEGIN CERTIFICATE'), servername: 'cache.internal' })
    // What docker-compose.yml and .env.example pass when REDIS_URL is emptied.
    expect(loadConfig({ REDIS_URL: '', REDIS_TLS: 'false' }).redis.settings).toBeUndefined()
    expect(problems({ REDIS_TLS: 'true' })).toEqual([
      'REDIS_TLS is set but no Redis is: set REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES'
    ])
  })
})

describe('Redis settings: Sentinel', () => {
  it('reads the sentinels, the primary\'s name and both passwords', () => {
    const { redis: { settings: redis } } = loadConfig({
      REDIS_SENTINELS: 'sentinel-a:26379, sentinel-b, [fd00::5]:26380',
      REDIS_SENTINEL_NAME: 'cards',
      REDIS_PASSWORD: 'data-pw',
      REDIS_SENTINEL_PASSWORD: 'sentinel-pw'
    })
    expect(redis).toEqual({
      topology: 'sentinel',
      sentinels: [{ host: 'sentinel-a', port: 26379 }, { host: 'sentinel-b', port: 26379 }, { host: 'fd00::5', port: 26380 }],
      name: 'cards',
      username: undefined,
      password: 'data-pw',
      sentinelPassword: 'sentinel-pw',
      tls: undefined
    })
    expect(redisLocation(redis!)).toBe('sentinel://sentinel-a:26379,sentinel-b:26379,[fd00::5]:26380/cards')
  })

  it('needs REDIS_SENTINEL_NAME', () => {
    expect(problems({ REDIS_SENTINELS: 'sentinel-a:26379' })[0]).toMatch(/^REDIS_SENTINEL_NAME is required with REDIS_SENTINELS/)
  })

  it('keeps both passwords out of JSON dumps of the configuration', () => {
    const config = loadConfig({
      REDIS_SENTINELS: 's:26379',
      REDIS_SENTINEL_NAME: 'cards',
      REDIS_PASSWORD: 'data-pw-123',
      REDIS_SENTINEL_PASSWORD: 'sentinel-pw-456'
    })
    const dumped = JSON.stringify(config)
    expect(dumped).not.toContain('data-pw-123')
    expect(dumped).not.toContain('sentinel-pw-456')
    expect(JSON.parse(dumped).redis.settings)
      .toMatchObject({ topology: 'sentinel', password: '[redacted]', sentinelPassword: '[redacted]' })
    const printed = inspect(config, { depth: 5 })
    expect(printed).not.toContain('data-pw-123')
    expect(printed).not.toContain('sentinel-pw-456')
  })
})

describe('Redis settings: Cluster', () => {
  it('reads the seed nodes and turns TLS on with a private CA', () => {
    const ca = join(dir, 'ca.pem')
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')
    const { redis: { settings: redis } } = loadConfig({
      REDIS_CLUSTER_NODES: 'node-1:7000,node-2:7001',
      REDIS_TLS: 'true',
      REDIS_TLS_CA_FILE: ca,
      REDIS_USERNAME: 'cards'
    })
    expect(redis).toMatchObject({
      topology: 'cluster',
      nodes: [{ host: 'node-1', port: 7000 }, { host: 'node-2', port: 7001 }],
      username: 'cards'
    })
    expect(redis?.tls?.ca).toContain('BEGIN CERTIFICATE')
    expect(redisLocation(redis!)).toBe('cluster://node-1:7000,node-2:7001')
  })

  it('refuses a malformed node list, an unreadable CA and a CA without TLS', () => {
    expect(problems({ REDIS_CLUSTER_NODES: 'node-1:7000,node 2:7001' })).toEqual([
      'REDIS_CLUSTER_NODES must be a comma-separated list of host:port, without scheme or credentials (item 2 is not)'
    ])
    expect(problems({ REDIS_CLUSTER_NODES: 'node-1:70000' })[0]).toMatch(/^REDIS_CLUSTER_NODES must be/)
    expect(problems({ REDIS_CLUSTER_NODES: 'node-1', REDIS_TLS: 'true', REDIS_TLS_CA_FILE: join(dir, 'missing.pem') }))
      .toEqual(['REDIS_TLS_CA_FILE must name a readable PEM file of CA certificates'])
    expect(problems({ REDIS_CLUSTER_NODES: 'node-1', REDIS_TLS_CA_FILE: join(dir, 'ca.pem') })[0])
      .toMatch(/^REDIS_TLS_CA_FILE is set but TLS is off/)
  })
})

describe('Redis settings: choosing a topology', () => {
  it('refuses more than one topology at once', () => {
    expect(problems({ REDIS_URL: 'redis://cache:6379', REDIS_CLUSTER_NODES: 'node-1:7000' })).toEqual([
      'set only one of REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES (got REDIS_URL and REDIS_CLUSTER_NODES): ' +
        'each selects a different Redis deployment'
    ])
  })

  it('says when Redis options are set without any Redis', () => {
    expect(problems({ REDIS_PASSWORD: 'pw' })).toEqual([
      'REDIS_PASSWORD is set but no Redis is: set REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES'
    ])
  })

  it('says when a Sentinel option is set for another topology', () => {
    expect(problems({ REDIS_CLUSTER_NODES: 'node-1:7000', REDIS_SENTINEL_NAME: 'cards' }))
      .toEqual(['REDIS_SENTINEL_NAME applies only with REDIS_SENTINELS'])
  })

  it('has no Redis by default', () => {
    expect(loadConfig({}).redis.settings).toBeUndefined()
  })
})
