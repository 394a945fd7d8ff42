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
    const keys = app.verificationKeys.size > 0 ? 'ok' : 'missing'
    // The cache fails open, so a Redis outage degrades the service but does not stop it serving.
    const cache = app.pageStore.health()
    const ready = keys === 'ok'
    const status = !ready ? 'unavailable' : cache === 'down' ? 'degraded' : 'ok'
    return await reply.code(ready ? 200 : 503).send({ status, checks: { keys, redis: cache } })
  })
}
