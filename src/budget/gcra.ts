/** @see https://en.wikipedia.org/wiki/Generic_cell_rate_algorithm */
export interface GcraParams {
  intervalMs: number
  burst: number
}

/** One GCRA state in Redis and its parameters, as a script takes a turn of it beside other work. */
export interface KeyedGcra extends GcraParams { key: string }

export interface GcraResult {
  allowed: boolean
  waitMs: number
  tat: number
}

// Intervals are fractional: a turn that is due must not be refused for their drift.
const DRIFT_MS = 0.001

export function gcra (storedTat: number | undefined, now: number, { intervalMs, burst }: GcraParams): GcraResult {
  const tat = Math.max(storedTat ?? now, now)
  const tolerance = (burst - 1) * intervalMs + DRIFT_MS
  const earliest = tat - tolerance
  if (now < earliest) return { allowed: false, waitMs: Math.max(1, Math.ceil(earliest - now)), tat }
  return { allowed: true, waitMs: 0, tat: tat + intervalMs }
}

/** Run by Redis with its own clock, so every replica draws from one budget whatever its clock says. */
export function gcraLua (key: string, interval: string, burst: string): string {
  return `
local gcra_interval = tonumber(${interval})
local gcra_burst = tonumber(${burst})
local gcra_time = redis.call('TIME')
local gcra_now = tonumber(gcra_time[1]) * 1000 + math.floor(tonumber(gcra_time[2]) / 1000)
local gcra_stored = tonumber(redis.call('GET', ${key}))
local gcra_tat = gcra_now
if gcra_stored and gcra_stored > gcra_now then gcra_tat = gcra_stored end
local gcra_earliest = gcra_tat - (gcra_burst - 1) * gcra_interval - ${DRIFT_MS}
local gcra_wait = 0
if gcra_now < gcra_earliest then
  gcra_wait = math.max(1, math.ceil(gcra_earliest - gcra_now))
else
  gcra_tat = gcra_tat + gcra_interval
  -- PX takes whole milliseconds only; tat is fractional whenever 1000 / rps is.
  redis.call('SET', ${key}, gcra_tat, 'PX', math.ceil(math.max(1000, gcra_tat - gcra_now + 1000)))
end`
}

export const GCRA_SCRIPT = `${gcraLua('KEYS[1]', 'ARGV[1]', 'ARGV[2]')}
if gcra_wait == 0 then return {1, 0} end
return {0, gcra_wait}
`
