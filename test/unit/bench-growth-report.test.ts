import { describe, expect, it } from 'vitest'
import { growthShape, renderGrowth } from '../../bench/growth-report.js'
import type { GrowthRun } from '../../bench/growth.js'
import type { Figure } from '../../bench/load.js'

const figure = (cpuPerRequestUs: number, rps = 1000, bytesPerResponse = 3000, p50 = 2): Figure =>
  ({ rps, p50, p99: 2 * p50, requests: 5 * rps, cpu: 0.5, cpuPerRequestUs, bytesPerResponse })

function run (over: { widestHitUs?: number, longestPeakMb?: number } = {}): GrowthRun {
  const page = { limit: 20, identityBytes: 31_000, gzipBytes: 3_800, frameBytes: 35_000, memoryUsage: 41_000 }
  return {
    smallPage: { limit: 2, identityBytes: 3_300, gzipBytes: 1_200, frameBytes: 4_600, memoryUsage: 5_200 },
    hits: [
      { pages: 1, figure: figure(70), rssAfterMb: 100 },
      { pages: 1_000, figure: figure(75), rssAfterMb: 101 },
      { pages: 100_000, figure: figure(over.widestHitUs ?? 120), rssAfterMb: 110 }
    ],
    lists: [
      { cards: 100, figure: figure(1_500, 500, 157_000), peakRssMb: 110 },
      { cards: 5_000, figure: figure(75_000, 10, 7_850_000), peakRssMb: over.longestPeakMb ?? 150 }
    ],
    listsStartRssMb: 100,
    listCalls: 1,
    peakRssMeasuredBy: 'VmHWM',
    redis: { pages: 1_000, page, usedMemoryBefore: 1e6, usedMemoryAfter: 1e6 + 41_000_000 },
    misses: [
      { callers: 1, figure: figure(2_000, 45, 31_000, 23), upstream: { rps: 48, p50: 21, p99: 25, requests: 240 } },
      { callers: 50, figure: figure(2_100, 450, 31_000, 120), upstream: { rps: 1500, p50: 30, p99: 60, requests: 7500 } }
    ],
    upstreamDelayMs: 20
  }
}

const targets = (lines: string[]): string[] => lines.filter((line) => /^\| (hits over|\/cards\/all: peak RSS)/.test(line))

describe('growthShape', () => {
  it('names a cost within 1.25× either way flat, however much the work grew', () => {
    expect(growthShape(1, 100, 100_000, 124)?.shape).toBe('flat')
    expect(growthShape(1, 100, 10, 81)?.shape).toBe('flat')
    expect(growthShape(1, 100, 10, 79)?.shape).toBe('falls')
  })

  it('names the rest by the exponent of cost ∝ work^k', () => {
    expect(growthShape(100, 1, 5_000, 50)).toMatchObject({ shape: 'linear', ratio: 50 })
    expect(growthShape(100, 1, 5_000, 50)?.exponent).toBeCloseTo(1, 10)
    expect(growthShape(1, 2, 50, 20)?.shape).toBe('less than linear')
    expect(growthShape(1, 1, 10, 20)?.shape).toBe('worse than linear')
  })

  it('has nothing to say about a cost that is not positive', () => {
    expect(growthShape(1, 0, 10, 5)).toBeUndefined()
    expect(growthShape(1, -1, 10, 5)).toBeUndefined()
    expect(growthShape(1, 1, 10, Number.NaN)).toBeUndefined()
  })
})

describe('renderGrowth', () => {
  it('writes one row per figure, each after its group\'s first with its growth', () => {
    const lines = renderGrowth(run())
    expect(lines).toContain('### How cost grows with the work')
    const first = lines.findIndex((line) => line.startsWith('| Scenario |')) + 2
    const rows = lines.slice(first, lines.indexOf('', first))
    expect(rows).toHaveLength(3 + 2 + 2 + 2)
    expect(rows[1]).toContain('CPU per hit ×1.07 for ×1,000 pages: **flat**')
    expect(rows[4]).toContain('CPU per answer ×50.00 for ×50 cards: **linear**')
    expect(rows[6]).toContain('used_memory +39.1 MB')
    expect(rows[6]).toContain('memory ×1,000 for ×1,000 pages: **linear**')
    expect(rows[8]).toContain('p50 120.00 ms = upstream alone 30.00 (at 1,500/s) + **90.00**')
    expect(rows[8]).toContain('misses/s ×10.00 for ×50 callers: **less than linear**')
  })

  it('meets the spread target at 2× the hot page\'s CPU per hit and no further', () => {
    expect(targets(renderGrowth(run({ widestHitUs: 140 })))[0]).toMatch(/2\.00× \(140 against 70 µs\) \| met \|$/)
    expect(targets(renderGrowth(run({ widestHitUs: 141 })))[0]).toMatch(/\| not met \|$/)
  })

  it('meets the memory target while peak RSS grows no faster than the answer', () => {
    // Answers ×50: a rise from 10 MB to 50 MB is less than linear, to 1,000 MB worse.
    expect(targets(renderGrowth(run({ longestPeakMb: 150 })))[1]).toMatch(/rise ×5\.00 .*: less than linear \| met \|$/)
    expect(targets(renderGrowth(run({ longestPeakMb: 1_100 })))[1]).toMatch(/worse than linear \| not met \|$/)
  })
})
