import { FastifyOtelInstrumentation } from '@fastify/otel'
import { SpanStatusCode, type Span, type SpanStatus } from '@opentelemetry/api'
import { ATTR_CLIENT_ADDRESS, ATTR_ERROR_TYPE, ATTR_URL_PATH, ATTR_URL_QUERY, ATTR_URL_SCHEME } from '@opentelemetry/semantic-conventions'
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { callerName } from '../http/caller-auth.js'
import { loggedUrl } from '../http/logged-url.js'
import { CACHE_ENDPOINT, CACHE_OUTCOME, CALLER, REQUEST_ID } from './attributes.js'

/**
 * The server span of every request, by @fastify/otel: it continues the caller's W3C trace context,
 * is named by method and route, and records the status code. Spans of Fastify's hooks and handler
 * are left out: they would only repeat the request's own timing, many times over. As the HTTP
 * semantic conventions say, a server span is an error only for a 5xx: a 4xx is the caller's.
 */
export function serverSpans (): FastifyPluginAsync {
  const instrumentation = new FastifyOtelInstrumentation({
    instrumentHooks: false,
    instrumentHandler: false,
    // The span's status carries the error's message; a stack trace adds nothing a trace reader needs.
    recordExceptions: false,
    requestHook: describeRequest
  })
  return fp(async (app: FastifyInstance) => {
    await app.register(instrumentation.plugin())
    // Instance hooks run before @fastify/otel's route-level onSend, which ends the span.
    app.addHook('onSend', (request, reply, payload, done) => {
      const span = request.opentelemetry().span
      if (request.cacheOutcome !== undefined) {
        span?.setAttribute(CACHE_OUTCOME, request.cacheOutcome.outcome)
        span?.setAttribute(CACHE_ENDPOINT, request.cacheOutcome.endpoint)
      }
      // Known only after the request's hooks ran, so set with the outcome rather than at the start.
      span?.setAttribute(CALLER, callerName(request))
      if (span != null) {
        if (reply.statusCode >= 500) span.setAttribute(ATTR_ERROR_TYPE, String(reply.statusCode))
        else leaveStatusUnset(span)
      }
      done(null, payload)
    })
  }, { name: 'tracing' })
}

/**
 * @fastify/otel puts the raw URL, query and all, in `url.path`: a caller's stray `access_token=…`
 * would travel to the trace backend. Here the path stands alone and the query keeps only the four
 * parameters the service takes, as the logs do.
 */
function describeRequest (span: Span, request: FastifyRequest): void {
  const route = request.routeOptions.url
  span.updateName(route === undefined ? request.method : `${request.method} ${route}`)
  const url = loggedUrl(request.url)
  const query = url.indexOf('?')
  span.setAttribute(ATTR_URL_PATH, query < 0 ? url : url.slice(0, query))
  if (query >= 0) span.setAttribute(ATTR_URL_QUERY, url.slice(query + 1))
  span.setAttribute(REQUEST_ID, [request.id])
  // `protocol` and `ip` follow TRUST_PROXY: the scheme and address the caller used, not a proxy's.
  span.setAttribute(ATTR_URL_SCHEME, request.protocol)
  span.setAttribute(ATTR_CLIENT_ADDRESS, request.ip)
}

/**
 * @fastify/otel marks the span as an error for any error thrown, a 400 or 401 included. The API
 * ignores a status set back to unset, so the SDK span's status field is replaced instead; a
 * non-recording span has none and is left alone.
 */
function leaveStatusUnset (span: Span): void {
  const recorded = span as Span & { status?: SpanStatus }
  if (recorded.status?.code === SpanStatusCode.ERROR) recorded.status = { code: SpanStatusCode.UNSET }
}
