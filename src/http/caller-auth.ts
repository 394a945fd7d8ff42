import type { FastifyRequest, onRequestHookHandler } from 'fastify'
import { ANONYMOUS, type Caller, type CallerDirectory } from '../callers/caller-directory.js'
import { ProblemError } from '../problems/problem-error.js'
import type { WindowLimit } from './window-limit.js'

export type RouteAccess = 'internal' | 'admin'

export interface CallerAuthOptions {
  directory: CallerDirectory
  apiGuarded: boolean
  failures: WindowLimit
}

export interface CallerAuth {
  identify: onRequestHookHandler
  hookFor: (access: RouteAccess) => onRequestHookHandler | undefined
}

const REALM = { 'www-authenticate': 'Bearer realm="wxpay-cards-bff"' }

/**
 * Past AUTH_FAILURES_PER_MINUTE an address is refused on every route, /readyz and /metrics included: a wrong
 * token otherwise gets exactly what no token gets. Tokens are never logged.
 */
export function callerAuth ({ directory, apiGuarded, failures }: CallerAuthOptions): CallerAuth {
  // Counted once per request, whichever hook sees the failure first.
  const failed = async (request: FastifyRequest): Promise<void> => {
    if (request.authFailed) return
    request.authFailed = true
    const verdict = await failures.take(`ip:${request.ip}`)
    if (verdict.allowed) return
    request.log.warn({ client: request.ip }, 'auth: too many failed authentications from this address')
    throw new ProblemError('auth-failures-exceeded', 'Too many failed authentications from this address; ' +
      `retry in ${verdict.retryAfterSeconds} s with a valid token.`, {}, {}, verdict.retryAfterSeconds)
  }
  const refuse = (request: FastifyRequest, done: (err?: Error) => void): void => {
    failed(request).then(() => {
      const detail = request.headers.authorization === undefined
        ? 'Send Authorization: Bearer <token>.'
        : 'The bearer token is not one this service accepts.'
      done(new ProblemError('unauthorized', detail, REALM))
    }, done)
  }

  const identify: onRequestHookHandler = (request, _reply, done) => {
    const header = request.headers.authorization
    // With no token configured, a header is nobody's guess at one: a gateway may forward its own.
    if (header === undefined || directory.isEmpty) {
      done()
      return
    }
    const caller = directory.identify(bearerToken(header))
    if (caller !== undefined) {
      request.caller = caller
      done()
      return
    }
    failed(request).then(() => { done() }, done)
  }
  const internal: onRequestHookHandler = (request, _reply, done) => {
    if (request.caller?.api === true) done()
    // A valid token that may only purge: refused, but no guess to count.
    else if (request.caller !== undefined) {
      done(new ProblemError('unauthorized', 'This token may purge the cache, not call the API.', REALM))
    } else refuse(request, done)
  }
  const admin: onRequestHookHandler = (request, _reply, done) => {
    if (!directory.anyCanPurge) {
      done(new ProblemError('purge-not-configured', 'Set CACHE_ADMIN_TOKENS (or INTERNAL_API_TOKENS, or a CALLERS_FILE line ' +
        'with `purge`) and send one as Authorization: Bearer <token>.'))
    } else if (request.caller === undefined) refuse(request, done)
    else if (!request.caller.purge) done(new ProblemError('purge-not-allowed', `Caller ${request.caller.name} may not purge the cache.`))
    else done()
  }
  return {
    identify,
    hookFor: (access) => access === 'admin' ? admin : apiGuarded ? internal : undefined
  }
}

export function callerName (request: FastifyRequest): string {
  return request.caller?.name ?? ANONYMOUS
}

function bearerToken (header: string): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1]
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess
  }
  interface FastifyRequest {
    caller: Caller | undefined
    authFailed: boolean
  }
}
