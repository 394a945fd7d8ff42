import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance, onResponseHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { callerName } from '../http/caller-auth.js'
import { withHooks } from '../http/route-hooks.js'
import { RequestRecorder } from '../metrics/request-recorder.js'
import { ServiceMetrics } from '../metrics/service-metrics.js'

export interface MetricsPluginOptions {
  /** A listener of its own for /metrics (METRICS_PORT); undefined: /metrics is a route of the service. */
  listener: { host: string, port: number } | undefined
}

/**
 * Prometheus metrics at GET /metrics (open even when INTERNAL_API_TOKENS is set, like health), on
 * the service's port or on a listener of its own so they need not share the public port. Request
 * metrics are labelled by route pattern, never by raw URL, so label cardinality stays fixed.
 */
async function metrics (app: FastifyInstance, options: MetricsPluginOptions): Promise<void> {
  const service = new ServiceMetrics({
    redis: () => app.redis?.status(),
    breakers: () => app.hasDecorator('wechatpay') ? app.wechatpay.breakerStates() : [],
    certificateExpiry: () => app.platformCertificateExpiry?.()
  })
  app.decorate('metrics', service)

  const recorder = new RequestRecorder(service)
  // Each route records under its own pattern, known here once, rather than asking every request
  // for request.routeOptions (an object of a dozen fields built on each read).
  app.addHook('onRoute', (route) => {
    const record = recorder.forRoute(route.url)
    const recordRoute: onResponseHookHandler = (request, reply, done) => {
      record(request.method, reply.statusCode, callerName(request), reply.elapsedTime / 1000)
      if (request.cacheOutcome !== undefined) recorder.recordCacheOutcome(request.cacheOutcome.endpoint, request.cacheOutcome.outcome)
      done()
    }
    route.onResponse = withHooks(route.onResponse, recordRoute)
  })
  // Requests no route matched (404s).
  const recordUnmatched = recorder.forRoute('unmatched')
  app.addHook('onResponse', (request, reply, done) => {
    if (request.is404) recordUnmatched(request.method, reply.statusCode, callerName(request), reply.elapsedTime / 1000)
    done()
  })

  const { listener } = options
  if (listener === undefined) return
  const server = metricsServer(service)
  app.decorate('metricsAddress', () => server.address() as AddressInfo | null)
  // As the service gets ready to listen: an error here fails app.listen, and so the start (an onListen
  // hook's error would only be logged, and the replica would run ready but never scraped).
  app.addHook('onReady', async () => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject).listen(listener.port, listener.host, () => { resolve() })
    })
    app.log.info({ metrics: `http://${listener.host}:${(server.address() as AddressInfo).port}/metrics` }, 'metrics listening')
  })
  app.addHook('onClose', async () => {
    if (!server.listening) return
    const closed = new Promise((resolve) => { server.close(resolve) })
    // A scraper's idle keep-alive connection must not hold shutdown up.
    server.closeAllConnections()
    await closed
  })
}

/** The metrics listener: GET /metrics and nothing else, with no body read and no keep-alive kept for long. */
function metricsServer (service: ServiceMetrics): Server {
  const server = createServer((request, response) => {
    const path = request.url?.split('?', 1)[0]
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain', 'x-content-type-options': 'nosniff' }).end('Not found: GET /metrics\n')
      return
    }
    service.registry.metrics().then((text) => {
      response.writeHead(200, { 'content-type': service.registry.contentType, 'x-content-type-options': 'nosniff' }).end(text)
    }, () => { response.writeHead(500).end() })
  })
  server.requestTimeout = 10_000
  server.keepAliveTimeout = 5_000
  return server
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ServiceMetrics
    /** With METRICS_PORT: where the metrics listener listens, once it does. */
    metricsAddress?: () => AddressInfo | null
    /** Set in platform-certificate mode: when the newest platform certificate expires. */
    platformCertificateExpiry?: () => Date | undefined
  }
}

/**
 * GET /metrics on the service's own port, when METRICS_PORT does not give it a listener of its own.
 * A plugin apart from the hooks: those must come before every route (CORS's included) to record
 * it, this route after CORS, which learns every route's methods as they are added.
 */
async function metricsRoute (app: FastifyInstance, options: MetricsPluginOptions): Promise<void> {
  if (options.listener !== undefined) return
  app.get('/metrics', {
    schema: { summary: 'Prometheus metrics', tags: ['operations'], produces: ['text/plain'] }
  }, async (_request, reply) => {
    const text = await app.metrics.registry.metrics()
    return await reply.type(app.metrics.registry.contentType).send(text)
  })
}

export default fp(metrics, { name: 'metrics' })
export const metricsEndpoint = fp(metricsRoute, { name: 'metrics-route', dependencies: ['metrics'] })
