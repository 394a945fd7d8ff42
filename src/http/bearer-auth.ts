import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { ProblemError } from '../problems/problem-error.js'

/**
 * INTERNAL_API_TOKENS: when set, routes marked `config: { internal: true }` need
 * `Authorization: Bearer <token>`. Tokens are compared as SHA-256 digests with timingSafeEqual,
 * against every configured token without stopping early, so timing says nothing about how much of
 * a guess was right. Tokens are never logged (the logger redacts `authorization` everywhere).
 */
export interface BearerAuth {
  /** The hook that refuses internal routes without a valid token. */
  check: (request: FastifyRequest) => Promise<void>
  /** `token:<fingerprint>` for a valid token, else undefined: the per-caller rate limit's key. */
  callerOf: (request: FastifyRequest) => string | undefined
}

export function bearerAuth (tokens: string[]): BearerAuth {
  const digests = tokens.map(digest)
  const callerOf = (request: FastifyRequest): string | undefined => {
    const presented = bearerToken(request.headers.authorization)
    if (presented === undefined || digests.length === 0) return undefined
    const candidate = digest(presented)
    let match = false
    for (const known of digests) match = timingSafeEqual(known, candidate) || match
    return match ? `token:${candidate.toString('hex').slice(0, 12)}` : undefined
  }
  const check = async (request: FastifyRequest): Promise<void> => {
    if (digests.length === 0 || request.routeOptions.config?.internal !== true) return
    if (callerOf(request) !== undefined) return
    const presented = bearerToken(request.headers.authorization)
    const detail = presented === undefined ? 'Send Authorization: Bearer <token>.' : 'The bearer token is not one this service accepts.'
    throw new ProblemError('unauthorized', detail, { 'www-authenticate': 'Bearer realm="wxpay-cards-bff"' })
  }
  return { check, callerOf }
}

function bearerToken (header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  return match?.[1]
}

function digest (token: string): Buffer {
  return createHash('sha256').update(token).digest()
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Internal API route: guarded by INTERNAL_API_TOKENS and the per-caller rate limit. */
    internal?: boolean
  }
}
