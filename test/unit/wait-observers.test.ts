import { describe, expect, it } from 'vitest'
import { FleetBudget, type BudgetWaitOutcome } from '../../src/budget/upstream-budget.js'
import type { CacheEntry } from '../../src/cache/cache-entry.js'
import type { Filled } from '../../src/cache/fleet-fill.js'
import { FleetFill, type FillLock, type FleetWaitOutcome, type LockResult } from '../../src/cache/fleet-fill.js'
import type { FillOutcome } from '../../src/cache/fill-outcome.js'
import type { PageKeys, PageStore } from '../../src/cache/page-store.js'

// What the tracing side hears of waits: only the waits that happen, each ended once, with how it ended.

/** A wait observer that records what it is told. */
function recorder<Outcome> (): { observe: () => (outcome: Outcome) => void, began: number, ended: Outcome[] } {
  const record = {
    began: 0,
    ended: [] as Outcome[],
    observe: () => {
      record.began++
      return (outcome: Outcome) => { record.ended.push(outcome) }
    }
  }
  return record
}

describe('the upstream budget tells of its waits', () => {
  it('nothing when the call may go at once; a granted wait when it had to wait its turn', async () => {
    const waits = recorder<BudgetWaitOutcome>()
    const budget = new FleetBudget({ maxRps: 20, observeWait: waits.observe })
    await budget.take(Date.now() + 5_000)
    expect(waits.began).toBe(0)
    await budget.take(Date.now() + 5_000)
    expect(waits).toMatchObject({ began: 1, ended: ['granted'] })
  })

  it('a refused wait when its turn would come too late', async () => {
    const waits = recorder<BudgetWaitOutcome>()
    let now = 1_000
    // A shared rate that says "wait 40 ms", then "wait 5 s": past the 1 s a call may wait.
    const answers = [0, 40, 5_000]
    const budget = new FleetBudget({ maxRps: 1, shared: { take: async () => answers.shift() }, now: () => now, observeWait: waits.observe })
    await budget.take(now + 10_000)
    now += 40
    await expect(budget.take(now + 10_000)).rejects.toMatchObject({ problem: 'upstream-budget-exhausted' })
    expect(waits).toMatchObject({ began: 1, ended: ['refused'] })
  })
})

const keys: PageKeys = { page: 'p', lock: 'l', generations: ['g'] }
const entry: CacheEntry = { body: Buffer.from('{}'), storedAt: 0, requestId: '', etag: '"e"', generation: '' }
const fetched: Filled = { entry, stored: true, collapsed: false }

/** A lock held by `holder` for `heldFor` acquisitions, then free; the page appears in the store once `filledAfter` reads. */
function fleetOf (
  options: { heldFor: number, filledAfter?: number, outcome?: FillOutcome }, observeWait: () => (outcome: FleetWaitOutcome) => void
): FleetFill {
  let acquisitions = 0
  let reads = 0
  const lock: FillLock = {
    acquire: async (): Promise<LockResult> => ++acquisitions <= options.heldFor
      ? { acquired: false, unavailable: false, holder: 'other' }
      : { acquired: true, token: 'ours' },
    renew: async () => true,
    release: async () => {},
    announce: async () => {},
    recentOutcome: () => undefined,
    waitForFill: async () => options.outcome
  }
  const store = {
    read: async () => ({ entry: ++reads > (options.filledAfter ?? Infinity) ? entry : undefined, generation: '' })
  } as unknown as PageStore
  return new FleetFill({ lock, store, waitMs: 1_000, lockTtlMs: 300, pollMs: 1, observeWait })
}

describe('the fleet fill tells of its waits', () => {
  it('nothing when this request takes the lock at once', async () => {
    const waits = recorder<FleetWaitOutcome>()
    await fleetOf({ heldFor: 0 }, waits.observe).fill(keys, () => true, async () => fetched)
    expect(waits.began).toBe(0)
  })

  it('one wait, filled, when another replica\'s page arrives', async () => {
    const waits = recorder<FleetWaitOutcome>()
    const filled = await fleetOf({ heldFor: 5, filledAfter: 2 }, waits.observe).fill(keys, () => true, async () => fetched)
    expect(filled.collapsed).toBe(true)
    expect(waits).toMatchObject({ began: 1, ended: ['filled'] })
  })

  it('fetched-instead when the holder goes away without a page', async () => {
    const waits = recorder<FleetWaitOutcome>()
    const filled = await fleetOf({ heldFor: 2 }, waits.observe).fill(keys, () => true, async () => fetched)
    expect(filled).toBe(fetched)
    expect(waits).toMatchObject({ began: 1, ended: ['fetched-instead'] })
  })

  it('failed when the holder announces an error', async () => {
    const waits = recorder<FleetWaitOutcome>()
    const outcome: FillOutcome = { ok: false, error: { problem: 'upstream-timeout', message: 'slow' } }
    const fill = fleetOf({ heldFor: 5, outcome }, waits.observe).fill(keys, () => true, async () => fetched)
    await expect(fill).rejects.toMatchObject({ problem: 'upstream-timeout' })
    expect(waits).toMatchObject({ began: 1, ended: ['failed'] })
  })
})
