import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { PROBLEM_NAMES, problemDefinition } from '../../src/problems/registry.js'

// The committed document (openapi-drift.test.ts keeps it equal to what the service serves).
interface Response { headers?: Record<string, unknown>, content?: Record<string, unknown> }
const document = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, { responses: Record<string, Response> }>>
  components: { headers?: Record<string, { required?: boolean }> }
}
const responses = Object.entries(document.paths).flatMap(([path, operations]) => Object.entries(operations)
  .flatMap(([method, operation]) => Object.entries(operation.responses)
    .map(([status, response]) => ({ at: `${method} ${path} ${status}`, status, response }))))

describe('the OpenAPI document\'s response headers', () => {
  it('name X-Request-Id on every response, as every answer carries it', () => {
    expect(responses.length).toBeGreaterThan(20)
    expect(document.components.headers?.['X-Request-Id']?.required).toBe(true)
    const without = responses.filter(({ response }) => response.headers?.['X-Request-Id'] === undefined)
    expect(without.map(({ at }) => at)).toEqual([])
  })

  it('name Retry-After on every problem response of a status where a problem of the registry sends it', () => {
    const statuses = new Set(PROBLEM_NAMES.map(problemDefinition)
      .filter((problem) => problem.retryAfterSeconds !== undefined).map((problem) => String(problem.status)))
    expect(statuses).toContain('502')
    const problems = responses
      .filter(({ status, response }) => statuses.has(status) && response.content?.['application/problem+json'] !== undefined)
    const without = problems.filter(({ response }) => response.headers?.['Retry-After'] === undefined)
    expect(without.map(({ at }) => at)).toEqual([])
  })
})
