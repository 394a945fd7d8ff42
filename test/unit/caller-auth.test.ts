import type { FastifyRequest } from 'fastify'
import { describe, expect, it } from 'vitest'
import { callerAuth } from '../../src/http/caller-auth.js'

const request = (authorization?: string): FastifyRequest => ({ headers: { authorization } }) as unknown as FastifyRequest

describe('callerAuth', () => {
  const auth = callerAuth(['api-token-one-0123456789', 'api-token-two-0123456789'], ['admin-token-0123456789'])

  it('names a caller by its token\'s position, so the rate-limit keys hold nothing a guess could be tested against', () => {
    expect(auth.callerOf(request('Bearer api-token-one-0123456789'))).toBe('token:0')
    expect(auth.callerOf(request('Bearer api-token-two-0123456789'))).toBe('token:1')
    expect(auth.callerOf(request('Bearer admin-token-0123456789'))).toBe('token:2')
    expect(auth.callerOf(request('Bearer api-token-one-012345678X'))).toBeUndefined()
    expect(auth.callerOf(request())).toBeUndefined()
  })

  it('guards internal routes only with INTERNAL_API_TOKENS, and purge always', () => {
    expect(auth.hookFor('internal')).toBeTypeOf('function')
    expect(callerAuth([], ['admin-token-0123456789']).hookFor('internal')).toBeUndefined()
    expect(callerAuth([], []).hookFor('admin')).toBeTypeOf('function')
  })
})
