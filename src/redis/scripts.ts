/**
 * The Lua scripts the service runs on Redis. Each touches one key, so any Cluster slot will do;
 * the budget's GCRA script lives beside its TypeScript twin in src/budget/gcra.ts.
 */

/** Takes a lock, or says who holds it, in one round trip on any Redis version. */
export const ACQUIRE_OR_TELL_HOLDER = 'local v = redis.call("get", KEYS[1]) if v then return {0, v} end ' +
  'redis.call("set", KEYS[1], ARGV[1], "PX", ARGV[2]) return {1, ARGV[1]}'

/** Takes a claim, or says what its holder stored and how many milliseconds it still stands. */
export const CLAIM_OR_TELL_HOLDER = 'if redis.call("set", KEYS[1], ARGV[1], "NX", "PX", ARGV[2]) then return {1} end ' +
  'return {0, redis.call("get", KEYS[1]), redis.call("pttl", KEYS[1])}'

/** Extends a lock only while it still holds our token. */
export const RENEW_IF_OWNER = 'if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) ' +
  'else return 0 end'

/** Deletes a lock or claim only while it still holds our token: one re-taken by another replica survives. */
export const RELEASE_IF_OWNER = 'if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end'

/**
 * One fixed window per key: the first request sets the expiry; a counter that somehow lost its
 * expiry gets it back instead of limiting its caller for ever. Returns {count, ms left}.
 */
export const COUNT_IN_WINDOW = `
local current = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if current == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {current, ttl}`
