import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { ProblemError } from './problem-error.js'

/**
 * INTERNAL_API_TOKENS: when set, routes marked `config: { internal: true }` need
 * `Authorization: Bearer <token>`. Tokens are compared as SHA-256 digests with timingSafeEqual,
 * against every configured token without stopping early, so timing says nothing about how much of
 * a guess was right. Tokens are never logged (the logger redacts `authorization` everywhere).
 */
export function bearerAuth (tokens: string[]): (request: FastifyRequest) => Promise<void> {
  const digests = tokens.map(digest)
  return async (request) => {
    if (digests.length === 0 || request.routeOptions.config?.internal !== true) return
    const presented = bearerToken(request.headers.authorization)
    if (presented !== undefined) {
      const candidate = digest(presented)
      let match = false
      for (const known of digests) match = timingSafeEqual(known, candidate) || match
      if (match) {
        request.callerId = `token:${candidate.toString('hex').slice(0, 12)}`
        return
      }
    }
    throw new ProblemError({
      type: '/problems/unauthorized',
      title: 'A valid bearer token is required',
      status: 401,
      detail: presented === undefined ? 'Send Authorization: Bearer <token>.' : 'The bearer token is not one this service accepts.'
    }, { 'www-authenticate': 'Bearer realm="wxpay-cards-bff"' })
  }
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
  interface FastifyRequest {
    /** Who is calling, for the per-caller rate limit: a token fingerprint, else the address. */
    callerId?: string
  }
}
