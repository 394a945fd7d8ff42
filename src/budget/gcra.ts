/**
 * GCRA (generic cell rate algorithm), the token bucket written as one timestamp: `tat`, the
 * theoretical arrival time of the next request. A request may go when it is no more than
 * `burst - 1` intervals early; it then pushes `tat` one interval further.
 * @see https://en.wikipedia.org/wiki/Generic_cell_rate_algorithm
 */
export interface GcraParams {
  /** Milliseconds between requests at the sustained rate (1000 / rps). */
  intervalMs: number
  /** Requests that may go back to back after a quiet spell. */
  burst: number
}

export interface GcraResult {
  allowed: boolean
  /** When not allowed: milliseconds until a request would be. */
  waitMs: number
  /** The new tat to store (unchanged when not allowed). */
  tat: number
}

// Intervals are fractional (1000 / 3 ms): sums of them drift by far less than this, and a turn
// that is due must not be refused for the drift.
const DRIFT_MS = 0.001

export function gcra (storedTat: number | undefined, now: number, { intervalMs, burst }: GcraParams): GcraResult {
  const tat = Math.max(storedTat ?? now, now)
  const tolerance = (burst - 1) * intervalMs + DRIFT_MS
  const earliest = tat - tolerance
  if (now < earliest) return { allowed: false, waitMs: Math.max(1, Math.ceil(earliest - now)), tat }
  return { allowed: true, waitMs: 0, tat: tat + intervalMs }
}

/**
 * The same algorithm in Lua, run atomically by Redis with Redis's own clock, so every replica draws
 * from one budget whatever its local clock says: a block that sets `gcra_wait` to 0 when a request
 * may go (and takes its turn), else to the milliseconds until one may. The key and arguments are
 * Lua expressions, so the block also runs inside the fleet lock's script.
 */
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

/** One take on its own key: returns {allowed, waitMs}. */
export const GCRA_SCRIPT = `${gcraLua('KEYS[1]', 'ARGV[1]', 'ARGV[2]')}
if gcra_wait == 0 then return {1, 0} end
return {0, gcra_wait}
`
