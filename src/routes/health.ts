import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'

const HealthSchema = Type.Object({ status: Type.String() }, { additionalProperties: true })

/** Liveness says the process runs; readiness says it can serve /cards right now. */
export default async function healthRoutes (app: FastifyInstance): Promise<void> {
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
    const ready = keyHealth.usable
    const status = !ready ? 'unavailable' : cache === 'down' ? 'degraded' : 'ok'
    const expiry = app.certificates.newestExpiry()
    return await reply.code(ready ? 200 : 503).send({
      status,
      checks: { keys, redis: cache },
      keys: {
        mode: app.certificates.mode,
        platform_certificates: app.certificates.certificates().length,
        ...(expiry === undefined ? {} : { newest_certificate_expiry: expiry.toISOString() }),
        ...(keyHealth.detail === undefined ? {} : { detail: keyHealth.detail })
      }
    })
  })
}
