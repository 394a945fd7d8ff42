import { describe, expect, it } from 'vitest'
import { redisStatement } from '../../src/tracing/redis-statement.js'

describe('the Redis command a span shows', () => {
  it('names the keys a command reads or deletes', () => {
    expect(redisStatement('mget', ['k:gen', 'k:page'])).toBe('mget k:gen k:page')
    expect(redisStatement('del', ['k:a', 'k:b'])).toBe('del k:a k:b')
  })

  it('keeps the key and drops the value of a write', () => {
    expect(redisStatement('set', ['k:page', '{"data":[…20 KB…]}', 'PX', '360000'])).toBe('set k:page')
    expect(redisStatement('publish', ['wxcards:v1:fill', 'k:page'])).toBe('publish wxcards:v1:fill')
  })

  it('shows a script\'s keys, never the script or its arguments', () => {
    const script = 'local v = redis.call("get", KEYS[1]) …'
    expect(redisStatement('eval', [script, '1', 'k:lock', 'token-4f1c', '2000'])).toBe('eval k:lock')
    expect(redisStatement('evalsha', ['a1b2c3', '2', 'k:a', 'k:b', 'secret-arg'])).toBe('evalsha k:a k:b')
    expect(redisStatement('eval', [script, '0', 'arg'])).toBe('eval')
  })

  it('shows only the name of anything else: AUTH\'s password stays out', () => {
    expect(redisStatement('auth', ['default', 'hunter2'])).toBe('auth')
    expect(redisStatement('hello', ['3', 'AUTH', 'default', 'hunter2'])).toBe('hello')
    expect(redisStatement('client', ['setname', 'x'])).toBe('client')
  })

  it('never prints a binary argument', () => {
    expect(redisStatement('get', [Buffer.from('binary-key')])).toBe('get ?')
  })
})
