import { Type } from 'typebox'
import { PROBLEM_NAMES, problemType } from '../problems/registry.js'

/**
 * Every `type` the service sends: the registry's, and `about:blank` for the HTTP errors Fastify and
 * Node's parser raise before a route runs (http/problem.ts, http/client-error.ts). An enum, so typed
 * clients get the union and a `switch` over it is checked.
 */
export const PROBLEM_TYPES = [...PROBLEM_NAMES.map(problemType), 'about:blank']

/** One Problem schema (RFC 9457) shared by every error response in the OpenAPI document. */
export const ProblemSchema = Type.Object({
  type: Type.Unsafe<string>({
    type: 'string',
    enum: PROBLEM_TYPES,
    description: 'A stable identifier of the kind of problem. It resolves on this service: `GET /problems/<name>` explains it ' +
      '(`about:blank`: the HTTP status says it all).'
  }),
  title: Type.String({ description: 'A short summary of the kind of problem.' }),
  status: Type.Integer({ description: 'The HTTP status of this response.' }),
  // Every problem the service sends has these two (http/problem.ts).
  detail: Type.String({ description: 'What went wrong this time; WeChat Pay\'s message when it sent one.' }),
  instance: Type.String({
    description: 'This request\'s id as a URI, `urn:request:<X-Request-Id>`: the same id as the `X-Request-Id` header and ' +
      'every log line of the request. Quote it to the operators.',
    examples: ['urn:request:0b7e4c1e-5d6f-4a8e-9c2b-3f1d2e4a5b6c']
  }),
  code: Type.Optional(Type.String({ description: 'WeChat Pay\'s error code, verbatim (e.g. PARAM_ERROR, `PARAM ERROR`).' })),
  request_id: Type.Optional(Type.String({ description: 'WeChat Pay\'s Request-ID: quote it to WeChat Pay support.' })),
  invalid_params: Type.Optional(Type.Array(Type.Object({
    name: Type.String(),
    in: Type.String(),
    reason: Type.String()
  }), { description: 'Every invalid parameter, for 400 invalid-request problems.' }))
}, { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details.' })
