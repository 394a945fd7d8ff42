import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ProblemError } from '../problems/problem-error.js'
import { problemType } from '../problems/registry.js'
import { UpstreamError } from '../wechatpay/upstream-error.js'
import { sendProblem, sendStatusProblem } from './problem.js'
import { RouteMethods } from './route-methods.js'
import { validationProblem } from './validation-problem.js'

async function errorHandling (app: FastifyInstance): Promise<void> {
  // A catch-all OPTIONS (CORS's own preflight route) takes every path, so it says nothing about one.
  const routes = new RouteMethods()
  app.addHook('onRoute', (route) => { if (route.method !== 'OPTIONS') routes.add(route.method, route.url) })
  app.decorate('routeMethods', routes)
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof UpstreamError) return sendUpstreamProblem(error, request, reply)
    if (error instanceof ProblemError) return sendProblem(request, reply, error)
    if (error.validation !== undefined) {
      return sendProblem(request, reply, validationProblem(error.validation, error.validationContext ?? 'request', request.queryNotes))
    }
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500
    if (status >= 500) {
      request.log.error({ err: error }, 'unhandled error')
      const internal = new ProblemError('internal-error',
        'The service failed unexpectedly; quote instance (the request id) to the operators.')
      return sendProblem(request, reply, internal)
    }
    return sendStatusProblem(request, reply, status, error.message)
  })

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '/'
    const allowed = routes.methodsOf(path)
    // A route that takes this method and still found nothing (a file Swagger UI does not have) is a 404.
    const wrongMethod = allowed.length > 0 && !allowed.includes(request.method)
    if (wrongMethod && isPreflight(request)) {
      // The cors plugin answers every preflight from a listed origin: this one's origin is the reason, not its method.
      const origin = String(request.headers.origin)
      request.log.warn({ origin }, 'CORS preflight refused: its origin is not in CORS_ORIGINS')
      const detail = `A CORS preflight from ${origin} is refused: the origin is not one of CORS_ORIGINS`
      return sendProblem(request, reply, new ProblemError('method-not-allowed', detail, { allow: allowed.join(', ') }))
    }
    if (wrongMethod) {
      const detail = `${request.method} is not allowed on ${path}; use ${allowed.join(' or ')}`
      return sendProblem(request, reply, new ProblemError('method-not-allowed', detail, { allow: allowed.join(', ') }))
    }
    return sendProblem(request, reply, new ProblemError('not-found', `There is no route ${request.method} ${path}`))
  })
}

/** A browser's CORS preflight: OPTIONS with an Origin and the method the page means to use. */
function isPreflight (request: FastifyRequest): boolean {
  const { headers } = request
  return request.method === 'OPTIONS' && headers.origin !== undefined && headers['access-control-request-method'] !== undefined
}

function sendUpstreamProblem (error: UpstreamError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const fields = {
    upstream_status: error.upstreamStatus,
    wechat_code: error.code,
    wechat_request_id: error.requestId,
    verification: error.verification,
    problem: problemType(error.problem)
  }
  // A SIGN_ERROR means our key, serial or clock is wrong: only an operator can fix it.
  if (error.problem === 'upstream-sign-error') request.log.error(fields, error.message)
  // Upstream 4xx are warnings too: they cost quota, and some (a missing header) are ours to fix.
  else request.log.warn({ ...fields, err: error.cause }, error.message)

  if (error.requestId !== undefined) request.wechatRequestId = error.requestId
  // Retry-After is passed on whatever our status: WeChat Pay's own hint is the best one a caller can get.
  return sendProblem(request, reply, error)
}

declare module 'fastify' {
  interface FastifyInstance {
    routeMethods: RouteMethods
  }
  interface FastifyRequest {
    wechatRequestId?: string
  }
}

export default fp(errorHandling, { name: 'error-handling' })
