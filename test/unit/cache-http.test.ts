import { describe, expect, it } from 'vitest'
import { ifNoneMatchMatches, requestsNoCache } from '../../src/http/conditional.js'
import { RedisGuard } from '../../src/redis/guard.js'

describe('If-None-Match (weak comparison)', () => {
  const etag = '"abc"'
  it.each([
    ['"abc"', true], ['W/"abc"', true], ['"x", "abc"', true], ['*', true],
    ['"abd"', false], ['abc', false], [undefined, false], ['', false]
  ])('%j matches: %s', (header, expected) => {
    expect(ifNoneMatchMatches(header, etag)).toBe(expected)
  })
})

describe('a caller\'s no-cache', () => {
  it.each([
    [{ 'cache-control': 'no-cache' }, true],
    [{ 'cache-control': 'max-age=0, No-Cache' }, true],
    [{ 'cache-control': 'no-store' }, false],
    [{ 'cache-control': 'max-age=0' }, false],
    [{ pragma: 'no-cache' }, true],
    [{ 'cache-control': 'max-age=10', pragma: 'no-cache' }, false],
    [{}, false]
  ])('%j → %s', (headers, expected) => {
    expect(requestsNoCache(headers)).toBe(expected)
  })
})

describe('Redis guard', () => {
  it('falls back on failures, stays quiet briefly after each, opens after three in a row, then probes again', async () => {
    let now = 0
    const states: string[] = []
    const guard = new RedisGuard({ failureThreshold: 3, openMs: 5_000, quietMs: 250, now: () => now, onStateChange: (s) => states.push(s) })
    let calls = 0
    const fail = async (): Promise<string> => { calls++; throw new Error('timeout') }
    expect(await guard.call(fail, 'fallback')).toBe('fallback')
    // Right after a failure, the next call (the same request's lock or budget) does not ask Redis.
    expect(await guard.call(fail, 'fallback')).toBe('fallback')
    expect(calls).toBe(1)
    for (let i = 0; i < 2; i++) {
      now += 300
      expect(await guard.call(fail, 'fallback')).toBe('fallback')
    }
    expect(calls).toBe(3)
    expect(guard.isOpen()).toBe(true)
    now += 1_000
    expect(await guard.call(fail, 'fallback')).toBe('fallback')
    expect(calls).toBe(3) // the open circuit did not call Redis
    now += 5_000
    expect(await guard.call(async () => 'ok', 'fallback')).toBe('ok')
    expect(guard.healthy()).toBe(true)
    expect(states).toEqual(['open', 'closed'])
  })

  it('a reconnection (the same server back, or a new primary) closes the circuit at once', async () => {
    let now = 0
    const states: string[] = []
    const guard = new RedisGuard({ failureThreshold: 3, openMs: 5_000, quietMs: 250, now: () => now, onStateChange: (s) => states.push(s) })
    for (let i = 0; i < 3; i++) {
      await guard.call(async () => { throw new Error('connection closed') }, 'fallback')
      now += 300
    }
    expect(guard.isOpen()).toBe(true)
    guard.reconnected()
    expect(await guard.call(async () => 'ok', 'fallback')).toBe('ok')
    expect(guard.healthy()).toBe(true)
    expect(states).toEqual(['open', 'closed'])
  })

  it('a reconnection that fails again (a crash-looping Redis) reopens the circuit on the first failure', async () => {
    let now = 0
    const guard = new RedisGuard({ failureThreshold: 3, openMs: 5_000, quietMs: 250, now: () => now })
    let calls = 0
    const fail = async (): Promise<string> => { calls++; throw new Error('connection closed') }
    for (let i = 0; i < 3; i++) {
      await guard.call(fail, 'fallback')
      now += 300
    }
    guard.reconnected()
    await guard.call(fail, 'fallback')
    expect(calls).toBe(4)
    expect(guard.isOpen()).toBe(true)
    now += 300
    // Open for the whole pause again: no call reaches Redis until it ends.
    expect(await guard.call(fail, 'fallback')).toBe('fallback')
    expect(calls).toBe(4)
  })

  it('with a deadline, a call that never answers falls back after it and counts as a failure', async () => {
    const guard = new RedisGuard({ deadlineMs: 30, quietMs: 0 })
    const started = Date.now()
    // A Cluster client that keeps following redirects: its promise settles late or never.
    expect(await guard.call(async () => await new Promise<string>(() => {}), 'fallback')).toBe('fallback')
    expect(Date.now() - started).toBeGreaterThanOrEqual(25)
    expect(await guard.call(async () => await Promise.reject(new Error('late failure')), 'fallback')).toBe('fallback')
    // Two failures so far; a prompt answer still goes through and is counted as a success.
    expect(await guard.call(async () => 'ok', 'fallback')).toBe('ok')
    expect(guard.healthy()).toBe(true)
  })
})
