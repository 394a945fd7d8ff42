import { describe, expect, it } from 'vitest'
import { CallerShare } from '../../src/budget/caller-share.js'

describe('CallerShare', () => {
  it('lets each caller spend its share of UPSTREAM_MAX_RPS in this process while the shared state is away', async () => {
    let now = 1_000_000
    let asked = 0
    // Redis away: the shared state answers undefined, and the process keeps the share itself.
    const share = new CallerShare({ maxRps: 10, fraction: 0.3, shared: async () => { asked++; return undefined }, now: () => now })
    // 3 a second, a burst of 3: the fourth at once is refused, with the wait until a turn.
    expect(await share.take('caller:a')).toBe(0)
    expect(await share.take('caller:a')).toBe(0)
    expect(await share.take('caller:a')).toBe(0)
    const refused = await share.take('caller:a')
    expect(refused).toBeGreaterThan(0)
    expect(refused).toBeLessThanOrEqual(334)
    // Another caller's share is its own.
    expect(await share.take('caller:b')).toBe(0)
    now += refused
    expect(await share.take('caller:a')).toBe(0)
    expect(asked).toBe(6)
  })

  it('offers the fill lock\'s script a caller\'s turn only where one is kept beside the lock, and only under a limit', () => {
    const keyOf = (caller: string): string => `share:${caller}`
    expect(new CallerShare({ maxRps: 10, fraction: 0.2, keyOf }).turnOf('caller:a'))
      .toEqual({ key: 'share:caller:a', intervalMs: 500, burst: 2 })
    expect(new CallerShare({ maxRps: 10, fraction: 0.2 }).turnOf('caller:a')).toBeUndefined()
    expect(new CallerShare({ maxRps: 10, fraction: 1, keyOf }).turnOf('caller:a')).toBeUndefined()
  })

  it('takes the shared state\'s answer when it has one, and asks nothing when the share is the whole budget', async () => {
    const seen: string[] = []
    const shared = new CallerShare({ maxRps: 4, fraction: 0.5, shared: async (caller) => { seen.push(caller); return 250 } })
    expect(await shared.take('caller:a')).toBe(250)
    expect(seen).toEqual(['caller:a'])
    const whole = new CallerShare({ maxRps: 4, fraction: 1, shared: async () => { throw new Error('not asked') } })
    expect(await whole.take('caller:a')).toBe(0)
  })
})
