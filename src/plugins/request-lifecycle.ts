import { randomUUID } from 'node:crypto'
import type { FastifyInstance, RawRequestDefaultExpression } from 'fastify'
import fp from 'fastify-plugin'
import { hasBody } from '../http/has-body.js'

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** One id follows a request through several services. */
export function requestIdOf (request: RawRequestDefaultExpression): string {
  const given = request.headers['x-request-id']
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
}

/** `Connection: close` once shutdown begins, so shutdown does not wait for idle keep-alive sockets to time out. */
async function requestLifecycle (app: FastifyInstance): Promise<void> {
  let closing = false
  app.decorate('isClosing', () => closing)
  app.addHook('preClose', async () => { closing = true })
  // Callback-style: an async hook costs a promise per request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    // Browsers must take every answer for its declared type: JSON, problem+json, the problem pages.
    reply.header('x-content-type-options', 'nosniff')
    done()
  })
  app.addHook('onSend', (request, reply, payload, done) => {
    // A request that came with a body (which no route reads) leaves its connection unusable.
    if (closing || hasBody(request.headers)) reply.header('connection', 'close')
    done(null, payload)
  })
}

declare module 'fastify' {
  interface FastifyInstance {
    isClosing: () => boolean
  }
}

export default fp(requestLifecycle, { name: 'request-lifecycle' })
