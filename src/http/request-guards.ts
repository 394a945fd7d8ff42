import type { onRequestHookHandler } from 'fastify'
import { hasBody } from './has-body.js'
import { ProblemError } from '../problems/problem-error.js'

// About 2 KB: a /cards query is under 100 bytes; anything this long is abuse.
const MAX_QUERY_BYTES = 2048

/** Refuses an over-long query before anything else looks at the request. */
export const refuseLongQuery: onRequestHookHandler = (request, _reply, done) => {
  const query = request.url.indexOf('?')
  if (query >= 0 && request.url.length - query - 1 > MAX_QUERY_BYTES) {
    done(new ProblemError('query-too-long', `Queries are limited to ${MAX_QUERY_BYTES} bytes.`))
    return
  }
  done()
}

/**
 * No route of this service takes a body, so a request announcing one is refused before the body is
 * read (413), and its connection closed (request-lifecycle): a caller cannot hold a request open by
 * trickling a body in.
 */
export const refuseBody: onRequestHookHandler = (request, _reply, done) => {
  if (!hasBody(request.headers)) {
    done()
    return
  }
  done(new ProblemError('request-body-not-allowed', `${request.method} ${request.routeOptions.url ?? ''} takes no body; ` +
    'send the request without one.'))
}
