import { FastifyOtelInstrumentation } from '@fastify/otel'
import { SpanStatusCode, type Span, type SpanStatus } from '@opentelemetry/api'
import { ATTR_CLIENT_ADDRESS, ATTR_ERROR_TYPE, ATTR_URL_PATH, ATTR_URL_QUERY, ATTR_URL_SCHEME } from '@opentelemetry/semantic-conventions'
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { callerName } from '../http/caller-auth.js'
import { loggedUrl } from '../http/logged-url.js'
import { CACHE_ENDPOINT, CACHE_OUTCOME, CALLER, REQUEST_ID } from './attributes.js'

/** Hook and handler spans are left out: they would only repeat the request's timing. A 4xx is the caller's, not an error. */
export function serverSpans (): FastifyPluginAsync {
  const instrumentation = new FastifyOtelInstrumentation({
    instrumentHooks: false,
    instrumentHandler: false,
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
      span?.setAttribute(CALLER, callerName(request))
      if (span != null) {
        if (reply.statusCode >= 500) span.setAttribute(ATTR_ERROR_TYPE, String(reply.statusCode))
        else leaveStatusUnset(span)
      }
      done(null, payload)
    })
  }, { name: 'tracing' })
}

/** @fastify/otel puts the raw query in `url.path`: a stray `access_token=…` would reach the trace backend. */
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

/** The API ignores a status set back to unset, so the SDK span's status field is replaced instead. */
function leaveStatusUnset (span: Span): void {
  const recorded = span as Span & { status?: SpanStatus }
  if (recorded.status?.code === SpanStatusCode.ERROR) recorded.status = { code: SpanStatusCode.UNSET }
}
