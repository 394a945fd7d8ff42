import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/config.js'
import { asProblemName, problemDefinition, type ProblemName } from '../../src/problems/registry.js'
import { ADMIN, TEST_ADMIN_TOKEN, TEST_ENV } from '../helpers/app.js'

interface Response { description: string, headers?: Record<string, unknown>, content?: Record<string, { examples?: Record<string, any> }> }
interface Operation { responses: Record<string, Response> }
const doc = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>
}
const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })))

/** The problems a response names, by the links to their pages its description holds. */
function namedProblems (response: Response | undefined): ProblemName[] {
  return [...(response?.description ?? '').matchAll(/\]\(\/problems\/([a-z-]+)\)/g)].map((match) => {
    const name = asProblemName(match[1] as string)
    if (name === undefined) throw new Error(`no problem ${match[1]} in the registry`)
    return name
  })
}

type InjectRequest = InjectOptions & { url: string }

const problemStatuses = (operation: Operation): Array<[string, Response]> =>
  Object.entries(operation.responses).filter(([, response]) => response.content?.['application/problem+json'] !== undefined)

describe('the problems each operation documents come from the registry', () => {
  it('covers every operation, and every one documents 405 method-not-allowed and 413 request-body-not-allowed', () => {
    expect(operations.map((op) => op.name)).toContain('GET /healthz')
    for (const { name, operation } of operations) {
      expect(namedProblems(operation.responses['405']), name).toContain('method-not-allowed')
      expect(namedProblems(operation.responses['413']), name).toContain('request-body-not-allowed')
    }
  })

  it('lists each problem under the registry\'s status, with Retry-After exactly when one of them may succeed later', () => {
    for (const { name, operation } of operations) {
      for (const [status, response] of problemStatuses(operation)) {
        const named = namedProblems(response)
        expect(named.length, `${name} ${status}`).toBeGreaterThan(0)
        for (const problem of named) expect(problemDefinition(problem).status, `${name} ${status} ${problem}`).toBe(Number(status))
        const retryable = named.some((problem) => problemDefinition(problem).retryable)
        expect(response.headers?.['Retry-After'] !== undefined, `${name} ${status}: Retry-After`).toBe(retryable)
      }
    }
  })

  it('shows examples only of the problems the operation names, with the registry\'s title and status', () => {
    for (const { name, operation } of operations) {
      for (const [status, response] of problemStatuses(operation)) {
        const named = namedProblems(response)
        for (const example of Object.values(response.content?.['application/problem+json']?.examples ?? {})) {
          const problem = asProblemName(String(example.value.type).replace('/problems/', ''))
          expect(problem !== undefined && named.includes(problem), `${name} ${status}: ${example.value.type}`).toBe(true)
          expect(example.value).toMatchObject({ status: Number(status), title: problemDefinition(problem as ProblemName).title })
        }
      }
    }
  })
})

describe('what the routes answer is documented for them', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await buildApp(loadConfig({ ...TEST_ENV, LOG_LEVEL: 'silent', CACHE_ADMIN_TOKENS: TEST_ADMIN_TOKEN }))
  })
  afterAll(async () => { await app.close() })

  // A request each documented operation takes, past its token and validation.
  const takes: Record<string, { url: string, headers?: Record<string, string> }> = {
    'GET /healthz': { url: '/healthz' },
    'GET /readyz': { url: '/readyz' },
    'GET /cards': { url: '/cards?appid=wx1&offset=0&limit=1' },
    'GET /cards/all': { url: '/cards/all?appid=wx1' },
    'GET /cards/{card_id}': { url: '/cards/pUnknownTemplate' },
    'DELETE /cards/cache': { url: '/cards/cache?appid=wx1', headers: ADMIN }
  }

  /** Sends the request and expects its problem to be documented for `operation` under its status. */
  async function expectDocumented (operation: string, request: InjectRequest): Promise<ProblemName> {
    const res = await app.inject({ method: 'GET', ...request })
    const problem = asProblemName(String(res.json().type).replace('/problems/', ''))
    expect(problem, `${operation}: ${res.body}`).toBeDefined()
    const documented = operations.find((op) => op.name === operation)?.operation.responses[String(res.statusCode)]
    expect(namedProblems(documented), `${operation} ${res.statusCode}`).toContain(problem)
    return problem as ProblemName
  }

  it('knows a request for every documented operation', () => {
    expect(Object.keys(takes).sort()).toEqual(operations.map((op) => op.name).sort())
  })

  it('documents the refusals every route shares: a wrong method, a body, a long query', async () => {
    for (const [operation, { url, headers }] of Object.entries(takes)) {
      const method = operation.split(' ')[0] as InjectOptions['method']
      expect(await expectDocumented(operation, { method: 'PUT', url, headers })).toBe('method-not-allowed')
      expect(await expectDocumented(operation, { method, url, headers, payload: 'x' })).toBe('request-body-not-allowed')
      const long = `${url}${url.includes('?') ? '&' : '?'}pad=${'a'.repeat(3000)}`
      expect(await expectDocumented(operation, { method, url: long, headers })).toBe('query-too-long')
    }
  })

  it('documents what the routes themselves answer: validation, an unknown template, a purge of nothing', async () => {
    expect(await expectDocumented('GET /cards', { url: '/cards?appid=wx1&offset=0&limit=99' })).toBe('invalid-request')
    expect(await expectDocumented('GET /cards/{card_id}', { url: '/cards/pUnknownTemplate' })).toBe('card-not-found')
    expect(await expectDocumented('DELETE /cards/cache', { method: 'DELETE', url: '/cards/cache' })).toBe('unauthorized')
    expect(await expectDocumented('DELETE /cards/cache', { method: 'DELETE', url: '/cards/cache', headers: ADMIN })).toBe('invalid-request')
  })
})
