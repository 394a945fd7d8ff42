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

export function gcra (storedTat: number | undefined, now: number, { intervalMs, burst }: GcraParams): GcraResult {
  const tat = Math.max(storedTat ?? now, now)
  const tolerance = (burst - 1) * intervalMs
  const earliest = tat - tolerance
  if (now < earliest) return { allowed: false, waitMs: Math.max(1, Math.ceil(earliest - now)), tat }
  return { allowed: true, waitMs: 0, tat: tat + intervalMs }
}

/**
 * The same algorithm in Lua, run atomically by Redis on one key with Redis's own clock, so every
 * replica draws from one budget whatever its local clock says. Returns {allowed, waitMs}.
 */
export const GCRA_SCRIPT = `
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local stored = tonumber(redis.call('GET', KEYS[1]))
local tat = now
if stored and stored > now then tat = stored end
local earliest = tat - (burst - 1) * interval
if now < earliest then return {0, math.max(1, math.ceil(earliest - now))} end
tat = tat + interval
-- PX takes whole milliseconds only; tat is fractional whenever 1000 / rps is.
redis.call('SET', KEYS[1], tat, 'PX', math.ceil(math.max(1000, tat - now + 1000)))
return {1, 0}
`
