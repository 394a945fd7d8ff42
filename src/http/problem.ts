import { STATUS_CODES } from 'node:http'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { InvalidParam, ProblemError } from '../problems/problem-error.js'
import { problemType } from '../problems/registry.js'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

/** @see https://www.rfc-editor.org/rfc/rfc9457 */
export interface Problem {
  type: string
  title: string
  status: number
  detail?: string
  instance: string
  code?: string | undefined
  request_id?: string | undefined
  invalid_params?: InvalidParam[]
}

/** `instance` must be a URI reference, and a bare id such as `1:2` is not one. */
export function problemInstance (requestId: string): string {
  return `urn:request:${requestId}`
}

export function sendProblem (request: FastifyRequest, reply: FastifyReply, error: ProblemError): FastifyReply {
  reply.headers(error.headers)
  if (error.retryAfterSeconds !== undefined && !reply.hasHeader('retry-after')) reply.header('retry-after', String(error.retryAfterSeconds))
  return send(request, reply, {
    type: problemType(error.problem),
    title: error.title,
    status: error.status,
    detail: error.detail,
    instance: problemInstance(request.id),
    ...error.members
  })
}

/** RFC 9457 §4.2.1 makes the title the status's own phrase. */
export function sendStatusProblem (request: FastifyRequest, reply: FastifyReply, status: number, detail: string): FastifyReply {
  return send(request, reply, {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    instance: problemInstance(request.id)
  })
}

function send (request: FastifyRequest, reply: FastifyReply, body: Problem): FastifyReply {
  // Set here as well as in onRequest: Fastify answers some requests (a malformed URL) without its hooks.
  reply.header('x-request-id', request.id).header('x-content-type-options', 'nosniff')
  return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body)
}
