import { describe, expect, it } from 'vitest'
import { loadConfig, longestRequestMs } from '../../src/config/config.js'

// A shutdown (every rollout) must let the longest legitimate request finish: GET /cards/all reading
// CARDS_ALL_MAX cards within UPSTREAM_MAX_RPS. The default covers it; a shorter setting is warned of.

const settings = { CARDS_ALL_MAX: '1000', UPSTREAM_MAX_RPS: '2', WECHATPAY_TIMEOUT_MS: '5000' }
const longest = longestRequestMs({ cardsAllMax: 1000, upstreamMaxRps: 2, timeoutMs: 5000 })
const graceWarnings = (warnings: readonly string[]): string[] => warnings.filter((warning) => warning.startsWith('SHUTDOWN_GRACE_MS'))

describe('SHUTDOWN_GRACE_MS', () => {
  it('defaults to the longest legitimate request when that is over 10 s', () => {
    expect(longest).toBe(60_000)
    const config = loadConfig(settings)
    expect(config.server.shutdownGraceMs).toBe(longest)
    expect(graceWarnings(config.warnings)).toEqual([])
  })

  it('defaults to 10 s when every request is shorter', () => {
    expect(loadConfig({ CARDS_ALL_MAX: '20', UPSTREAM_MAX_RPS: '50', WECHATPAY_TIMEOUT_MS: '2000' }).server.shutdownGraceMs).toBe(10_000)
  })

  it('is taken as set when shorter, with a start-up warning naming the longest request', () => {
    const config = loadConfig({ ...settings, SHUTDOWN_GRACE_MS: '10000' })
    expect(config.server.shutdownGraceMs).toBe(10_000)
    expect(graceWarnings(config.warnings)).toEqual([expect.stringContaining(`${longest} ms`)])
  })

  it('warns of nothing when set long enough', () => {
    expect(graceWarnings(loadConfig({ ...settings, SHUTDOWN_GRACE_MS: String(longest) }).warnings)).toEqual([])
  })
})
