import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

export interface SwaggerUiOptions {
  routePrefix: string
  uiConfig: Record<string, unknown>
  staticCSP: boolean
  transformStaticCSP: (header: string) => string
}

// Hop-by-hop or recomputed by Fastify when it sends the forwarded body.
const NOT_FORWARDED = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date'])

/** Loaded on first use: it cost about a tenth of a start-up and several MB, for a page production rarely serves. */
export function swaggerUiOnDemand (app: FastifyInstance, options: SwaggerUiOptions): void {
  let ui: Promise<FastifyInstance> | undefined
  const forward = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    ui ??= buildSwaggerUi(app, options)
    ui.catch(() => { ui = undefined })
    // Always a GET: for a HEAD, this app's own HEAD handling drops the body and keeps its length.
    const res = await (await ui).inject({ method: 'GET', url: request.url, headers: request.headers })
    if (res.statusCode === 404) {
      reply.callNotFound()
      return reply
    }
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined && !NOT_FORWARDED.has(name)) reply.header(name, value)
    }
    return await reply.code(res.statusCode).send(res.rawPayload.length === 0 ? undefined : res.rawPayload)
  }
  const hidden = { schema: { hide: true } }
  app.get(options.routePrefix, hidden, forward)
  app.get(`${options.routePrefix}/*`, hidden, forward)
  app.addHook('onClose', async () => { if (ui !== undefined) await (await ui).close() })
}

async function buildSwaggerUi (app: FastifyInstance, options: SwaggerUiOptions): Promise<FastifyInstance> {
  const { default: swaggerUi } = await import('@fastify/swagger-ui')
  const ui = Fastify({ logger: false })
  // Swagger UI asks its app for the document; this one has none of its own and lends the main app's.
  await ui.register(fp(async (instance) => { instance.decorate('swagger', app.swagger.bind(app)) }, { name: '@fastify/swagger' }))
  await ui.register(swaggerUi, options)
  await ui.ready()
  return ui
}
