import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest, onRequestHookHandler } from 'fastify'
import { ProblemError } from '../problems/problem-error.js'

/** Which tokens a route takes: the internal API's (INTERNAL_API_TOKENS), or the cache admin's. */
export type RouteAccess = 'internal' | 'admin'

export interface CallerAuth {
  /** The onRequest hook that refuses a route without a token it takes; undefined: the route is open. */
  hookFor: (access: RouteAccess) => onRequestHookHandler | undefined
  /**
   * `token:<n>`, the position of a valid token in the configured lists, else undefined: the key of the
   * per-caller limits. A position, not a digest, so Redis holds nothing a guess could be tested against.
   */
  callerOf: (request: FastifyRequest) => string | undefined
}

const REALM = { 'www-authenticate': 'Bearer realm="wxpay-cards-bff"' }

/**
 * Bearer tokens: INTERNAL_API_TOKENS guard the internal API when set; purging the cache takes
 * CACHE_ADMIN_TOKENS or any INTERNAL_API_TOKENS, and is refused (403) while neither is set, since it
 * also drops the stale copies that protect callers when WeChat Pay fails. Tokens are compared as
 * SHA-256 digests with timingSafeEqual against every configured token without stopping early, so
 * timing says nothing about how much of a guess was right. Tokens are never logged.
 */
export function callerAuth (apiTokens: string[], adminTokens: string[]): CallerAuth {
  const all = [...apiTokens, ...adminTokens].map(digest)
  const isApi = (position: number): boolean => position < apiTokens.length
  const positionOf = (request: FastifyRequest): number => {
    const presented = bearerToken(request.headers.authorization)
    if (presented === undefined || all.length === 0) return -1
    const candidate = digest(presented)
    let found = -1
    all.forEach((known, position) => { if (timingSafeEqual(known, candidate) && found === -1) found = position })
    return found
  }
  const refuse = (request: FastifyRequest): ProblemError => {
    const detail = request.headers.authorization === undefined
      ? 'Send Authorization: Bearer <token>.'
      : 'The bearer token is not one this service accepts.'
    return new ProblemError('unauthorized', detail, REALM)
  }
  const internal: onRequestHookHandler = (request, _reply, done) => {
    const position = positionOf(request)
    done(position >= 0 && isApi(position) ? undefined : refuse(request))
  }
  const admin: onRequestHookHandler = (request, _reply, done) => {
    if (all.length === 0) {
      done(new ProblemError('purge-not-configured', 'Set CACHE_ADMIN_TOKENS (or INTERNAL_API_TOKENS) and send one as ' +
        'Authorization: Bearer <token>.'))
      return
    }
    done(positionOf(request) >= 0 ? undefined : refuse(request))
  }
  return {
    hookFor: (access) => access === 'admin' ? admin : apiTokens.length > 0 ? internal : undefined,
    callerOf: (request) => {
      const position = positionOf(request)
      return position >= 0 ? `token:${position}` : undefined
    }
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
    /** Which tokens the route takes; unset: none (health, docs, metrics, problem pages). */
    access?: RouteAccess
  }
}
