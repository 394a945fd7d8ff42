import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { UpstreamError } from '../wechatpay/upstream-error.js'
import { sendProblem } from './problem.js'
import { ProblemError } from './problem-error.js'
import { validationProblem } from './validation-problem.js'

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

/**
 * The one place where failures become responses: every non-2xx this service sends is
 * application/problem+json, and none carries a stack trace or an upstream body.
 */
async function errorHandling (app: FastifyInstance): Promise<void> {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof UpstreamError) return sendUpstreamProblem(error, request, reply)
    if (error instanceof ProblemError) {
      reply.headers(error.headers)
      return sendProblem(request, reply, error.problem)
    }
    if (error.validation !== undefined) {
      return sendProblem(request, reply, validationProblem(error.validation, error.validationContext ?? 'request', request.queryNotes))
    }
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500
    if (status >= 500) {
      request.log.error({ err: error }, 'unhandled error')
      return sendProblem(request, reply, {
        type: '/problems/internal-error',
        title: 'Internal error',
        status,
        detail: 'The service failed unexpectedly; quote instance (the request id) to the operators.'
      })
    }
    // Fastify's own client errors (bad content type, body too large, …) keep their status and message.
    return sendProblem(request, reply, { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail: error.message })
  })

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '/'
    const allowed = ALL_METHODS.filter((method) => method !== request.method && app.hasRoute({ method, url: path }))
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '))
      return sendProblem(request, reply, {
        type: '/problems/method-not-allowed',
        title: 'Method not allowed',
        status: 405,
        detail: `${request.method} is not allowed on ${path}; use ${allowed.join(' or ')}`
      })
    }
    return sendProblem(request, reply, {
      type: '/problems/not-found', title: 'Not found', status: 404, detail: `There is no route ${request.method} ${path}`
    })
  })
}

function sendUpstreamProblem (error: UpstreamError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { kind } = error
  const fields = {
    upstream_status: error.upstreamStatus,
    wechat_code: error.code,
    wechat_request_id: error.requestId,
    verification: error.verification,
    problem: kind.type
  }
  // A SIGN_ERROR means our key, serial or clock is wrong: only an operator can fix it.
  if (kind.type === '/problems/upstream-sign-error') request.log.error(fields, error.message)
  // Upstream 4xx are warnings too: they cost quota, and some (a missing header) are ours to fix.
  else request.log.warn({ ...fields, ...(error.cause === undefined ? {} : { err: error.cause }) }, error.message)

  // Passed on whatever our status: WeChat Pay's own hint is the best one a caller can get.
  if (error.retryAfterSeconds !== undefined) {
    reply.header('retry-after', String(error.retryAfterSeconds))
  }
  if (error.requestId !== undefined) request.wechatRequestId = error.requestId
  return sendProblem(request, reply, {
    type: kind.type,
    title: kind.title,
    status: kind.status,
    detail: error.wechatMessage ?? error.message,
    ...(error.code === undefined ? {} : { code: error.code }),
    ...(error.requestId === undefined ? {} : { request_id: error.requestId })
  })
}

declare module 'fastify' {
  interface FastifyRequest {
    /** WeChat Pay's Request-ID for the upstream call this request made, for the access log. */
    wechatRequestId?: string
  }
}

export default fp(errorHandling, { name: 'error-handling' })
