import { afterAll, beforeAll, beforeEach } from 'vitest'
import type { AppOverrides } from '../../src/app.js'
import type { ConfigOverrides } from './app.js'
import type { SimulatorOptions } from '../../src/sandbox/simulator.js'
import { startFakeWechatpay, type FakeWechatpay } from './fake-wechatpay.js'
import { startTestApp, type TestApp } from './app.js'

export interface SuiteOptions {
  simulator?: Partial<SimulatorOptions>
  config?: ConfigOverrides
  overrides?: AppOverrides
  /** Clear the simulator's calls and queued faults before each test (default true). */
  resetEach?: boolean
}

/**
 * The usual integration set-up for one test file: a fake WeChat Pay and the service configured
 * against it, started once, closed after the file, the simulator reset before each test.
 * `bind` hands both to the file's own variables.
 */
export function useService (options: SuiteOptions, bind: (fake: FakeWechatpay, service: TestApp) => void): void {
  let fake: FakeWechatpay | undefined
  let service: TestApp | undefined
  beforeAll(async () => {
    fake = await startFakeWechatpay(options.simulator)
    service = await startTestApp(fake, options.config, options.overrides)
    bind(fake, service)
  })
  afterAll(async () => {
    await service?.close()
    await fake?.simulator.close()
  })
  if (options.resetEach !== false) beforeEach(() => { fake?.simulator.reset() })
}
