import type { FastifyInstance } from 'fastify'
import { buildApp, type AppOverrides } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config/config.js'
import type { FakeWechatpay } from './fake-wechatpay.js'

/** Any part of any slice of the configuration. */
export type ConfigOverrides = { [Slice in Exclude<keyof Config, 'warnings'>]?: Partial<Config[Slice]> }

export interface TestApp {
  app: FastifyInstance
  /** http://127.0.0.1:PORT of the service, listening for real. */
  url: string
  /** Every log line the service wrote, parsed. */
  logs: Array<Record<string, unknown>>
  /** The raw log text, for "never appears anywhere" assertions. */
  rawLogs: () => string
  close: () => Promise<void>
}

/**
 * The environment of an app a test builds: the defaults, but no shedding on event-loop lag, which a
 * test machine running many files at once shows without the service being at fault. The shedding
 * itself is tested on purpose, with a heap bound, in caller-guards.test.ts. Nor a share of the
 * upstream budget per caller: every test's requests come from one address, and tests of the budget
 * itself set a low UPSTREAM_MAX_RPS. The share is tested on purpose in caller-share.test.ts.
 */
export const TEST_ENV = { UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0', UPSTREAM_CALLER_SHARE: '1' }

/** The cache admin token every test app takes (CACHE_ADMIN_TOKENS): purges and /readyz details need a token. */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789'
/** Headers that carry it. */
export const ADMIN = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }

/** The configuration of a test: the defaults, then `overrides`, slice by slice. */
export function testConfig (base: Config, overrides: ConfigOverrides = {}): Config {
  return {
    server: { ...base.server, ...overrides.server },
    wechatpay: { ...base.wechatpay, ...overrides.wechatpay },
    protection: { ...base.protection, ...overrides.protection },
    cache: { ...base.cache, ...overrides.cache },
    redis: { ...base.redis, ...overrides.redis },
    tracing: { ...base.tracing, ...overrides.tracing },
    warnings: base.warnings
  }
}

/** The service configured against a fake WeChat Pay, as production would be against the real one. */
export async function startTestApp (
  fake: FakeWechatpay,
  configOverrides: ConfigOverrides = {},
  overrides: AppOverrides = {}
): Promise<TestApp> {
  const config = testConfig(loadConfig({ ...TEST_ENV, LOG_LEVEL: 'debug', CACHE_ADMIN_TOKENS: TEST_ADMIN_TOKEN }), {
    ...configOverrides,
    wechatpay: {
      sandbox: false,
      credentials: fake.credentials,
      baseUrl: fake.simulator.url,
      // Tests call WeChat Pay far faster than a merchant's quota allows; the budget itself is tested
      // on purpose, with a low UPSTREAM_MAX_RPS, in upstream-resilience.test.ts.
      upstreamMaxRps: 1000,
      ...configOverrides.wechatpay
    },
    // Tests force fetches with no-cache at will; the allowance itself is tested on purpose, in admin-levers.test.ts.
    protection: { noCachePerMinute: 1_000_000, ...configOverrides.protection }
  })
  const lines: string[] = []
  const app = await buildApp(config, { logStream: { write: (line: string) => { lines.push(line) } }, ...overrides })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  return {
    app,
    url,
    get logs () { return lines.map((line) => JSON.parse(line) as Record<string, unknown>) },
    rawLogs: () => lines.join(''),
    close: async () => { await app.close() }
  }
}
