import type { FastifyReply, FastifyRequest } from 'fastify'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

/**
 * RFC 9457 problem details, with three members of ours: `code` (WeChat Pay's error code, verbatim),
 * `request_id` (WeChat Pay's Request-ID) and `trace_id` (our request id, the key to our logs).
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
  trace_id?: string
  invalid_params?: InvalidParam[]
}

export interface InvalidParam {
  name: string
  in: string
  reason: string
}

export function sendProblem (request: FastifyRequest, reply: FastifyReply, problem: Omit<Problem, 'instance' | 'trace_id'>): FastifyReply {
  const body: Problem = {
    ...problem,
    instance: request.url.split('?', 1)[0] ?? '/',
    trace_id: request.id
  }
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(body)
}
