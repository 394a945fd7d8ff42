import { createHash } from 'node:crypto'
import { gcraLua } from '../budget/gcra.js'
import { frameStoredSinceLua } from '../cache/cache-entry.js'
import type { RedisConnection } from './connection.js'

// Each script touches keys of one hash tag only, so it runs on one Cluster slot; the lock's script adds the budget's and
// the caller's keys only off a Cluster.

export const CLAIM_OR_TELL_HOLDER = 'if redis.call("set", KEYS[1], ARGV[1], "NX", "PX", ARGV[2]) then return {1} end ' +
  'return {0, redis.call("get", KEYS[1]), redis.call("pttl", KEYS[1])}'

export const RENEW_IF_OWNER = 'if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) ' +
  'else return 0 end'

/** One re-taken by another replica survives. */
export const RELEASE_IF_OWNER = 'if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end'

/**
 * Off Cluster only: there the announcement stays a plain PUBLISH, which the cluster bus carries to every shard.
 * A fetched page is written first, so a waiter woken by the announcement finds it; a write Redis refuses (out of
 * memory, a demoted primary) still lets the announcement and the release run.
 *   KEYS: lock, [page]     ARGV: token, channel, message, [frame, retention ms]
 *   returns 1 when the page was written, else 0
 */
export const ANNOUNCE_AND_RELEASE = `
local written = 0
if ARGV[4] then
  local reply = redis.pcall('set', KEYS[2], ARGV[4], 'PX', ARGV[5])
  if type(reply) == 'table' and reply.ok then written = 1 end
end
redis.call('publish', ARGV[2], ARGV[3])
if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('del', KEYS[1]) end
return written`

/** A counter that somehow lost its expiry gets it back instead of limiting its caller for ever. Returns {count, ms left}. */
export const COUNT_IN_WINDOW = `
local current = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if current == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {current, ttl}`

/**
 * A miss's one round trip: the fill lock, the page and its generations, and, when no usable page is stored,
 * the caller's share and the upstream turn (not on a Cluster: their keys live in other slots). A page stored
 * before ARGV[4] is left out, so a forced refresh does not carry it back for nothing. A refused share leaves
 * the lock free: this request will not call WeChat Pay.
 *   KEYS: lock, page, the n generations, [budget, [share]]
 *   ARGV: token, ttl ms, n, stored-at floor, [interval ms, burst, [share interval ms, share burst]]
 *   returns {0, holder}, {2, ms until the caller's share allows a call}
 *   or {1, page|nil, generation…, budget turn taken (1 or 0), share turn taken (1 or 0)}
 */
export const ACQUIRE_READ_AND_TAKE = `
local holder = redis.call('get', KEYS[1])
if holder then return {0, holder} end
redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
local n = tonumber(ARGV[3])
local page = redis.call('get', KEYS[2])
if page and not ${frameStoredSinceLua('page', 'tonumber(ARGV[4])')} then page = false end
local result = {1, page}
for i = 1, n do result[i + 2] = redis.call('get', KEYS[2 + i]) end
local granted = 0
local shared = 0
if ARGV[5] and not page then
  if ARGV[7] then
${gcraLua('KEYS[4 + n]', 'ARGV[7]', 'ARGV[8]')}
    if gcra_wait > 0 then
      redis.call('del', KEYS[1])
      return {2, gcra_wait}
    end
    shared = 1
  end
${gcraLua('KEYS[3 + n]', 'ARGV[5]', 'ARGV[6]')}
  if gcra_wait == 0 then granted = 1 end
end
result[n + 3] = granted
result[n + 4] = shared
return result`

/**
 * The page only when Redis no longer holds the copy whose frame header is ARGV[1]; 1 instead when it does.
 *   returns {1|page|nil, generation…}
 */
export const READ_UNLESS_HELD = `
local result = {}
for i = 2, #KEYS do result[i] = redis.call('get', KEYS[i]) end
local head = ARGV[1]
if redis.call('getrange', KEYS[1], 0, #head - 1) == head then result[1] = 1 else result[1] = redis.call('get', KEYS[1]) end
return result`

type ScriptCall = (scriptOrSha: string, numKeys: number, ...keysAndArgs: Array<string | number | Buffer>) => Promise<unknown>
interface ScriptCommands { evalsha: ScriptCall, eval: ScriptCall, evalshaBuffer: ScriptCall, evalBuffer: ScriptCall }

// The SHA-1 of each script, computed once: EVALSHA sends 40 bytes where EVAL sends the whole text.
const shas = new Map<string, string>()
const shaOf = (lua: string): string => {
  let sha = shas.get(lua)
  if (sha === undefined) shas.set(lua, sha = createHash('sha1').update(lua).digest('hex'))
  return sha
}

/**
 * Runs a script by its SHA-1, and sends its text only when the node answers NOSCRIPT (a Redis
 * that restarted, failed over, or never saw it): EVAL then caches it there for the next call.
 * `binary`: replies stay Buffers (a page frame is not text). ioredis has the Buffer variants on
 * Redis and Cluster alike but leaves them out of its types; `callBuffer('eval', …)` loses the
 * command name under auto-pipelining, and a defineCommand script breaks a Cluster's auto-pipeline.
 */
export async function runScript (
  client: RedisConnection, lua: string, keys: string[], args: Array<string | number | Buffer>, binary = false
): Promise<unknown> {
  const commands = client as unknown as ScriptCommands
  const [bySha, byText] = binary ? [commands.evalshaBuffer, commands.evalBuffer] : [commands.evalsha, commands.eval]
  try {
    return await bySha.call(client, shaOf(lua), keys.length, ...keys, ...args)
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err
    return await byText.call(client, lua, keys.length, ...keys, ...args)
  }
}
