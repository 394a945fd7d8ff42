import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'

const HealthSchema = Type.Object({ status: Type.String() }, { additionalProperties: true })

/** Liveness says the process runs; readiness says it can serve /cards right now. */
export default async function healthRoutes (app: FastifyInstance): Promise<void> {
  // Load balancers should stop sending work as soon as shutdown begins, before the port closes.
  let closing = false
  app.addHook('preClose', async () => { closing = true })

  app.get('/healthz', {
    schema: { summary: 'Liveness: the process is up (no I/O)', tags: ['operations'], response: { 200: HealthSchema } }
  }, async () => ({ status: 'ok' }))

  app.get('/readyz', {
    schema: {
      summary: 'Readiness: the service can serve /cards',
      tags: ['operations'],
      response: { 200: HealthSchema, 503: HealthSchema }
    }
  }, async (_request, reply) => {
    // Keys: some key must verify answers; a wrong APIv3 key or no certificate yet is not ready.
    const keyHealth = app.certificates.health()
    const keys = keyHealth.check
    // The cache fails open, so a Redis outage degrades the service but does not stop it serving.
    const cache = app.pageStore.health()
    // Every WeChat Pay host cooling down after connection failures: cached pages still serve.
    const upstream = app.wechatpay.breakerStates().some((host) => host.state === 'closed') ? 'ok' : 'unreachable'
    const ready = keyHealth.usable && !closing
    const status = closing ? 'shutting-down' : !ready ? 'unavailable' : cache === 'down' || upstream !== 'ok' ? 'degraded' : 'ok'
    const expiry = app.certificates.newestExpiry()
    return await reply.code(ready ? 200 : 503).send({
      status,
      checks: { keys, redis: cache, upstream },
      ...(app.redis === undefined ? {} : { redis: { topology: app.redis.topology, location: app.redis.location } }),
      keys: {
        mode: app.certificates.mode,
        platform_certificates: app.certificates.certificates().length,
        ...(expiry === undefined ? {} : { newest_certificate_expiry: expiry.toISOString() }),
        ...(keyHealth.detail === undefined ? {} : { detail: keyHealth.detail })
      }
    })
  })
}
