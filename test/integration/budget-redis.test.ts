import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { FleetBudget } from '../../src/budget/upstream-budget.js'
import { RedisRate } from '../../src/redis/budget-store.js'
import { RedisGuard } from '../../src/redis/guard.js'
import { SHARED_REDIS_URL } from '../helpers/redis-server.js'
import { uniqueAppid } from '../helpers/unique.js'

const client = new Redis(SHARED_REDIS_URL)
afterAll(() => { client.disconnect() })

describe('the budget script on a real Redis', () => {
  it.each([3, 5, 7, 10_000])('at %i/s it runs without a Redis error (fractional intervals included) and spaces calls', async (rps) => {
    const failures: unknown[] = []
    const guard = new RedisGuard({ onStateChange: (_state, err) => failures.push(err) })
    const key = `wxcards:v1:{test-${uniqueAppid()}}:budget`
    const budget = new FleetBudget({ maxRps: rps, shared: new RedisRate(client, guard, key) })
    const started = Date.now()
    for (let i = 0; i < 3; i++) await budget.take(Date.now() + 5_000)
    const elapsed = Date.now() - started
    expect(guard.healthy()).toBe(true)
    expect(failures).toEqual([])
    // The key lives in Redis: the budget really was shared, not the in-process fallback.
    expect(await client.pttl(key)).toBeGreaterThan(0)
    expect(elapsed).toBeGreaterThanOrEqual(Math.floor((2 * 1000) / rps) - 5)
    await client.del(key)
  })
})
