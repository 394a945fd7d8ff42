import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { EVERY_ROUTE_PROBLEMS, SHED_ROUTE_PROBLEMS, TOKEN_OPTIONAL, routeResponses } from './problem-responses.js'

const HealthSchema = Type.Object({ status: Type.String() }, { additionalProperties: true })

const ReadinessSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('unavailable'), Type.Literal('shutting-down')]),
  checks: Type.Object({
    keys: Type.String({ description: 'ok, or why no key can verify WeChat Pay\'s answers' }),
    redis: Type.String({ description: 'ok, down (the cache fails open), or memory (no Redis configured: an in-process cache)' }),
    upstream: Type.String({ description: 'ok, or unreachable while every WeChat Pay host cools down' })
  }, { additionalProperties: true }),
  redis: Type.Optional(Type.Object({
    topology: Type.Union([Type.Literal('single'), Type.Literal('sentinel'), Type.Literal('cluster')]),
    location: Type.String({ description: 'Where Redis is, without credentials: redis://host:port, sentinel://…/name or cluster://…' }),
    state: Type.Union([Type.Literal('ok'), Type.Literal('connecting'), Type.Literal('failing-open')], {
      description: 'ok: answering; connecting: no connection yet, or between primaries during a failover; ' +
        'failing-open: failing, so the cache is skipped for a few seconds'
    }),
    primaries: Type.Array(Type.String(), { description: 'host:port of the primaries in use' })
  }, { description: 'Present when a Redis is configured, for callers with a valid token.' }))
}, { additionalProperties: true })

const READINESS = { 'application/json': { schema: ReadinessSchema } }

// Sent as JSON text: the schema serializer's first compile takes about 60 ms, which the first probe would wait for.
const JSON_TYPE = 'application/json; charset=utf-8'
const LIVE = JSON.stringify({ status: 'ok' })

/** Details (where Redis is, which keys) only for a caller with a valid token, and the log. */
export default async function healthRoutes (app: FastifyInstance): Promise<void> {
  let lastLogged = ''
  app.get('/healthz', {
    schema: {
      summary: 'Liveness: the process is up (no I/O)',
      operationId: 'checkLiveness',
      tags: ['operations'],
      // Open to anyone: probes carry no token.
      security: [],
      // Kept open while the service sheds load: liveness must not fail for being busy.
      response: routeResponses({
        200: { description: 'The process is up.', content: { 'application/json': { schema: HealthSchema } } }
      }, EVERY_ROUTE_PROBLEMS)
    }
  }, async (_request, reply) => await reply.type(JSON_TYPE).send(LIVE))

  app.get('/readyz', {
    schema: {
      summary: 'Readiness: the service can serve /cards',
      description: 'Anyone gets the status and each check\'s state; a caller with a valid token also gets where Redis is ' +
        'and which keys verify answers.',
      operationId: 'checkReadiness',
      tags: ['operations'],
      security: TOKEN_OPTIONAL,
      response: routeResponses({
        200: { description: 'Ready, or degraded: serving, with Redis down or WeChat Pay unreachable.', content: READINESS },
        503: { description: 'Not ready: no key verifies answers, or shutting down.', content: READINESS }
      }, SHED_ROUTE_PROBLEMS)
    }
  }, async (request, reply) => {
    const keyHealth = app.certificates.health()
    const keys = keyHealth.check
    // The cache fails open, so a Redis outage degrades the service but does not stop it serving.
    const cache = app.pageStore.health()
    const upstream = app.wechatpay.breakerStates().some((host) => host.state === 'closed') ? 'ok' : 'unreachable'
    // Load balancers should stop sending work as soon as shutdown begins, before the port closes.
    const closing = app.isClosing()
    const ready = keyHealth.usable && !closing
    const status = closing ? 'shutting-down' : !ready ? 'unavailable' : cache === 'down' || upstream !== 'ok' ? 'degraded' : 'ok'
    const expiry = app.certificates.newestExpiry()
    const summary = { status, checks: { keys, redis: cache, upstream } }
    const details = {
      redis: app.redis?.status(),
      keys: {
        mode: app.certificates.mode,
        platform_certificates: app.certificates.certificates().length,
        newest_certificate_expiry: expiry?.toISOString(),
        detail: keyHealth.detail
      }
    }
    const logged = JSON.stringify({ ...summary, detail: keyHealth.detail, redis: details.redis?.state })
    if (logged !== lastLogged) {
      lastLogged = logged
      if (status === 'ok') request.log.info({ readiness: { ...summary, ...details } }, 'readiness: ok')
      else request.log.warn({ readiness: { ...summary, ...details } }, `readiness: ${status}`)
    }
    const authenticated = request.caller !== undefined
    return await reply.code(ready ? 200 : 503).type(JSON_TYPE).send(JSON.stringify(authenticated ? { ...summary, ...details } : summary))
  })
}
