import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/config.js'
import { TEST_ENV } from '../helpers/app.js'
import { productionEnv, type ProductionEnv } from '../helpers/production-env.js'

// What loadConfig lets start but an operator should look at reaches the log once, at warn level,
// as soon as there is a logger: a process that starts is the one whose log gets read.
let production: ProductionEnv
beforeAll(() => { production = productionEnv() })
afterAll(() => { production.remove() })

describe('start-up warnings', () => {
  it('are logged once each at warn level when the app is built', async () => {
    const config = loadConfig({ ...production.env, ...TEST_ENV, INTERNAL_API_TOKENS: '', TRUST_PROXY: 'true' })
    expect(config.warnings).toHaveLength(2)
    const lines: string[] = []
    const app = await buildApp(config, { logStream: { write: (line: string) => { lines.push(line) } } })
    try {
      await app.ready()
      const warned = lines.map((line) => JSON.parse(line) as { level: number, msg: string }).filter((line) => line.level === 40)
      expect(warned.map((line) => line.msg)).toEqual(config.warnings)
    } finally {
      await app.close()
    }
  })
})

describe('a variable that looks like one of the service\'s but is not', () => {
  it('gets one warning naming the closest real variable, and never its value', async () => {
    const config = loadConfig({
      ...TEST_ENV,
      WECHATPAY_MCHD: '1900009191',
      REDIS_URI: 'redis://:s3cret-password@redis:6379',
      CACHE_TTL: '30',
      // Not lookalikes: npm's, the shell's, the OpenTelemetry SDK's own.
      NODE: '/usr/bin/node',
      HOME: '/root',
      NO_COLOR: '1',
      OTEL_SERVICE_NAME: 'cards'
    })
    expect(config.warnings).toEqual([
      'WECHATPAY_MCHD is not a variable of this service and is ignored: did you mean WECHATPAY_MCHID?',
      'REDIS_URI is not a variable of this service and is ignored: did you mean REDIS_URL?',
      'CACHE_TTL is not a variable of this service and is ignored: did you mean CACHE_TTL_SECONDS?'
    ])
    const lines: string[] = []
    const app = await buildApp(config, { logStream: { write: (line: string) => { lines.push(line) } } })
    try {
      await app.ready()
      const warned = lines.map((line) => JSON.parse(line) as { level: number, msg: string }).filter((line) => line.level === 40)
      expect(warned.map((line) => line.msg)).toEqual(expect.arrayContaining([...config.warnings]))
      expect(lines.join('')).not.toContain('s3cret-password')
    } finally {
      await app.close()
    }
  })
})
