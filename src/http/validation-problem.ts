import type { FastifySchemaValidationError } from 'fastify'
import { ProblemError, type InvalidParam } from '../problems/problem-error.js'

/**
 * One 400 that lists every bad field, so a caller fixes a request in one round trip.
 * Needs ajv's `allErrors`, set in app.ts.
 */
export function validationProblem (errors: FastifySchemaValidationError[], context: string, notes?: Map<string, string>): ProblemError {
  const byName = new Map<string, string[]>()
  for (const error of errors) {
    const described = describe(error)
    const name = described.name
    const reason = notes?.get(name) ?? described.reason
    const reasons = byName.get(name) ?? []
    if (!reasons.includes(reason)) reasons.push(reason)
    byName.set(name, reasons)
  }
  const where = context === 'querystring' ? 'query' : context
  const invalidParams: InvalidParam[] = [...byName].map(([name, reasons]) => ({ name, in: where, reason: reasons.join('; ') }))
  const detail = invalidParams.map((p) => `${p.name} ${p.reason}`).join('; ')
  return new ProblemError('invalid-request', detail, {}, { invalid_params: invalidParams })
}

function describe (error: FastifySchemaValidationError): { name: string, reason: string } {
  const params = error.params as Record<string, unknown>
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    return { name: params.missingProperty, reason: 'is required' }
  }
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    return { name: params.additionalProperty, reason: 'is not a known parameter' }
  }
  const name = error.instancePath.replace(/^\//, '').replace(/~1/g, '/').replace(/~0/g, '~') || '(request)'
  return { name, reason: error.message ?? 'is invalid' }
}
