import { describe, expect, it } from 'vitest'
import { gcra } from '../../src/budget/gcra.js'
import { FleetBudget } from '../../src/budget/upstream-budget.js'
import { classifyWechatpayError } from '../../src/wechatpay/errors.js'
import { CircuitBreaker } from '../../src/circuit-breaker.js'
import { backoffMs, decideRetry } from '../../src/wechatpay/retry-policy.js'
import { UpstreamError } from '../../src/wechatpay/upstream-error.js'

describe('GCRA', () => {
  const params = { intervalMs: 200, burst: 5 }
  it('lets a burst through, then one request per interval', () => {
    let tat: number | undefined
    const allowed: boolean[] = []
    for (let i = 0; i < 7; i++) {
      const result = gcra(tat, 1_000, params)
      tat = result.tat
      allowed.push(result.allowed)
    }
    expect(allowed).toEqual([true, true, true, true, true, false, false])
    expect(gcra(tat, 1_000, params).waitMs).toBe(200)
    expect(gcra(tat, 1_200, params).allowed).toBe(true)
  })

  it('does not bank unused capacity beyond the burst', () => {
    let tat = gcra(undefined, 0, params).tat
    let count = 0
    for (let i = 0; i < 20; i++) {
      const result = gcra(tat, 60_000, params)
      if (result.allowed) { tat = result.tat; count++ }
    }
    expect(count).toBe(5)
  })
})

describe('the upstream budget without Redis', () => {
  it('enforces the rate in process: waits briefly, then refuses with a 503 and Retry-After', async () => {
    let now = 10_000
    const budget = new FleetBudget({ maxRps: 2, maxWaitMs: 100, now: () => now })
    await budget.take(now + 5_000)
    // The next slot is 500 ms away, past the 100 ms this caller may wait.
    const refusal = await budget.take(now + 5_000).catch((err: unknown) => err)
    expect(refusal).toBeInstanceOf(UpstreamError)
    expect(refusal).toMatchObject({ problem: 'upstream-budget-exhausted', retryAfterSeconds: 1 })
    now += 500
    await expect(budget.take(now + 5_000)).resolves.toBeUndefined()
  })

  it('reports every take, a refusal included, so metrics can show what callers only see as a 503', async () => {
    const takes: Array<{ outcome: string, waitedMs: number }> = []
    const budget = new FleetBudget({ maxRps: 10, maxWaitMs: 150, onTake: (take) => { takes.push(take) } })
    // Three at once at 10/s: one goes, one waits 100 ms for the next turn, and the third, whose turn
    // is then another 100 ms away (past the 150 ms it may wait), is refused.
    const deadline = Date.now() + 5_000
    await Promise.all([0, 1, 2].map(async () => await budget.take(deadline).catch(() => undefined)))
    expect(takes.map((take) => take.outcome).sort()).toEqual(['immediate', 'refused', 'waited'])
    expect(takes.find((take) => take.outcome === 'waited')?.waitedMs).toBeGreaterThanOrEqual(90)
  })
})

describe('retry policy', () => {
  const answered = (status: number, code?: string): UpstreamError =>
    new UpstreamError(classifyWechatpayError(status, code), 'x', { upstreamStatus: status, ...(code === undefined ? {} : { code }) })

  it.each([[429, true], [500, true], [502, true], [503, true], [400, false], [401, false], [403, false], [404, false], [504, false]])(
    'an upstream %i is retried: %s', (status, retry) => {
      expect(decideRetry(answered(status), false, 0)).toEqual({ retry, failover: false })
    })

  it('connection failures retry on the other host; timeouts retry in place', () => {
    expect(decideRetry(new UpstreamError('upstream-unreachable', 'x'), true, 0)).toEqual({ retry: true, failover: true })
    expect(decideRetry(new UpstreamError('upstream-timeout', 'x'), false, 0)).toEqual({ retry: true, failover: false })
  })

  it('verification failures are final, but a probe gets exactly one retry', () => {
    const failure = (verification: 'bad-signature' | 'signature-probe'): UpstreamError =>
      new UpstreamError('upstream-signature-invalid', 'x', { verification, upstreamStatus: 200 })
    expect(decideRetry(failure('bad-signature'), false, 0).retry).toBe(false)
    expect(decideRetry(failure('signature-probe'), false, 0).retry).toBe(true)
    expect(decideRetry(failure('signature-probe'), false, 1).retry).toBe(false)
  })

  it('backs off with full jitter under a growing, capped ceiling; Retry-After wins', () => {
    expect(backoffMs(0, undefined, () => 0.999)).toBe(99)
    expect(backoffMs(2, undefined, () => 0.999)).toBe(399)
    expect(backoffMs(8, undefined, () => 0.999)).toBe(999)
    expect(backoffMs(1, undefined, () => 0)).toBe(0)
    expect(backoffMs(0, 3, () => 0.5)).toBe(3000)
  })
})

describe('circuit breaker (WeChat Pay hosts, Redis)', () => {
  it('opens after three failures in a row, for the cool-down, then lets calls through again', () => {
    let now = 0
    const changes: string[] = []
    const breaker = new CircuitBreaker({ now: () => now, cooldownMs: 30_000, onChange: (s) => changes.push(s) })
    breaker.failed()
    breaker.failed()
    expect(breaker.allows()).toBe(true)
    breaker.failed()
    expect(breaker.state).toBe('open')
    now = 30_001
    expect(breaker.allows()).toBe(true)
    breaker.failed() // the probe fails: open again, announced once more
    expect(breaker.state).toBe('open')
    now = 60_002
    breaker.succeeded()
    expect(breaker.healthy()).toBe(true)
    expect(changes).toEqual(['open', 'open', 'closed'])
  })
})
