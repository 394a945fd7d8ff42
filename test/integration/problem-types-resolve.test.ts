import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/config.js'
import { TEST_ENV } from '../helpers/app.js'
import { PROBLEM_NAMES, PROBLEMS, problemType } from '../../src/problems/registry.js'
import { WECHATPAY_ERROR_CODES } from '../../src/wechatpay/errors.js'

// Every problem type the code can send must resolve on the service (RFC 9457 §3.1.1). Code can
// only name a problem of the registry (a ProblemName), so iterating the registry covers them all.
const types = PROBLEM_NAMES.map(problemType)

let app: FastifyInstance
beforeAll(async () => { app = await buildApp(loadConfig({ ...TEST_ENV, LOG_LEVEL: 'silent' })) })
afterAll(async () => { await app.close() })

describe('problem types resolve on the service', () => {
  it('the registry holds the types the service sends (at least 20)', () => {
    expect(types.length).toBeGreaterThanOrEqual(20)
    expect(types).toEqual(expect.arrayContaining([
      '/problems/invalid-request', '/problems/upstream-signature-invalid', '/problems/cache-unavailable'
    ]))
  })

  it.each([...types].sort())('GET %s → 200, a human page with title, retry and operator advice', async (type) => {
    const res = await app.inject({ url: type, headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/)
    expect(res.body).toMatch(/^<!doctype html>/)
    expect(res.body).toContain(`<code>${type}</code>`)
    expect(res.body).toContain('Should the caller retry?')
    expect(res.body).toContain('What an operator should check')
    // Self-contained: no external stylesheet, script or image.
    expect(res.body).not.toMatch(/<(?:script|link|img)\b/i)
    expect(res.headers['x-request-id']).toEqual(expect.any(String))
  })

  it('answers JSON when Accept prefers it, HTML on a tie or with no Accept', async () => {
    const json = await app.inject({ url: '/problems/upstream-sign-error', headers: { accept: 'application/json' } })
    expect(json.headers['content-type']).toMatch(/^application\/json/)
    expect(json.headers.vary).toMatch(/accept/i)
    expect(json.json()).toMatchObject({
      type: '/problems/upstream-sign-error',
      status: 502,
      retry: expect.any(String),
      operator: expect.stringContaining('WECHATPAY_MERCHANT_SERIAL_NO')
    })
    const weighted = await app.inject({ url: '/problems/upstream-sign-error', headers: { accept: 'text/html;q=0.5, application/json' } })
    expect(weighted.headers['content-type']).toMatch(/^application\/json/)
    const tie = await app.inject({ url: '/problems/upstream-sign-error', headers: { accept: '*/*' } })
    expect(tie.headers['content-type']).toMatch(/^text\/html/)
    const none = await app.inject({ url: '/problems/upstream-sign-error' })
    expect(none.headers['content-type']).toMatch(/^text\/html/)
  })

  it('lists every type at /problems, linked', async () => {
    const res = await app.inject({ url: '/problems' })
    expect(res.statusCode).toBe(200)
    for (const name of PROBLEM_NAMES) expect(res.body).toContain(`href="/problems/${name}"`)
    const json = await app.inject({ url: '/problems', headers: { accept: 'application/json' } })
    expect(json.json<unknown[]>()).toHaveLength(PROBLEM_NAMES.length)
  })

  it.each(['no-such-thing', 'constructor', '__proto__', 'UPSTREAM-ERROR'])('an unknown name (%s) → 404 problem', async (name) => {
    const res = await app.inject({ url: `/problems/${name}` })
    expect(res.statusCode).toBe(404)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(res.json()).toMatchObject({
      type: '/problems/not-found',
      status: 404,
      instance: `urn:request:${String(res.headers['x-request-id'])}`
    })
  })

  it('is not part of the OpenAPI document', async () => {
    const doc = (await app.inject({ url: '/docs/json' })).json<{ paths: Record<string, unknown> }>()
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/problems'))).toEqual([])
  })

  it('serves each page with the status and title the registry declares, WeChat Pay codes\' problems included', async () => {
    for (const name of new Set(Object.values(WECHATPAY_ERROR_CODES))) {
      const res = await app.inject({ url: problemType(name), headers: { accept: 'application/json' } })
      expect(res.json()).toMatchObject({ status: PROBLEMS[name].status, title: PROBLEMS[name].title })
    }
  })
})
