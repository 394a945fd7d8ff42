import type { FastifyReply, FastifyRequest } from 'fastify'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

/**
 * RFC 9457 problem details, with two members of ours: `code` (WeChat Pay's error code, verbatim) and
 * `request_id` (WeChat Pay's Request-ID). `instance` names this occurrence by our request id.
 * @see https://www.rfc-editor.org/rfc/rfc9457
 */
export interface Problem {
  type: string
  title: string
  status: number
  detail?: string
  instance?: string
  code?: string
  request_id?: string
  invalid_params?: InvalidParam[]
}

export interface InvalidParam {
  name: string
  in: string
  reason: string
}

/**
 * The request id as a URI (`urn:request:<X-Request-Id>`): `instance` must be a URI reference, and a bare
 * id such as `1:2` is not one. Every character a request id may hold is valid in a URN.
 */
export function problemInstance (requestId: string): string {
  return `urn:request:${requestId}`
}

export function sendProblem (request: FastifyRequest, reply: FastifyReply, problem: Omit<Problem, 'instance'>): FastifyReply {
  const body: Problem = { ...problem, instance: problemInstance(request.id) }
  // Set here as well as in onRequest: Fastify answers some requests (a malformed URL) without its hooks.
  reply.header('x-request-id', request.id)
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(body)
}
