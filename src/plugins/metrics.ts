import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { ServiceMetrics } from '../metrics/service-metrics.js'

/**
 * Prometheus metrics at GET /metrics (open even when INTERNAL_API_TOKENS is set, like health).
 * Request metrics are labelled by route pattern, never by raw URL, so label cardinality stays fixed.
 */
async function metrics (app: FastifyInstance): Promise<void> {
  const service = new ServiceMetrics({
    redis: () => app.redis?.status(),
    breakers: () => app.hasDecorator('wechatpay') ? app.wechatpay.breakerStates() : [],
    certificateExpiry: () => app.platformCertificateExpiry?.()
  })
  app.decorate('metrics', service)

  app.addHook('onResponse', (request, reply, done) => {
    const labels = { route: request.routeOptions.url ?? 'unmatched', method: request.method, status: String(reply.statusCode) }
    service.requests.inc(labels)
    service.requestDuration.observe(labels, reply.elapsedTime / 1000)
    if (request.cacheOutcome !== undefined) service.cacheOutcomes.inc({ outcome: request.cacheOutcome })
    done()
  })

  app.get('/metrics', {
    schema: { summary: 'Prometheus metrics', tags: ['operations'], produces: ['text/plain'] }
  }, async (_request, reply) => {
    const text = await service.registry.metrics()
    return await reply.type(service.registry.contentType).send(text)
  })
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ServiceMetrics
    /** Set in platform-certificate mode: when the newest platform certificate expires. */
    platformCertificateExpiry?: () => Date | undefined
  }
}

export default fp(metrics, { name: 'metrics' })
