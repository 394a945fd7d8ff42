import { readdirSync, readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { PROBLEM_CATALOGUE } from '../../src/http/problem-catalogue.js'
import { UPSTREAM_FAILURES, WECHATPAY_ERROR_CODES } from '../../src/wechatpay/errors.js'

// Every problem type the code can send must resolve on the service (RFC 9457 §3.1.1). The list comes
// from scanning the source, not from the catalogue, so a new type without a page fails here.
const src = new URL('../../src/', import.meta.url)
const scanned = new Set<string>()
for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
  if (!file.endsWith('.ts')) continue
  for (const match of readFileSync(new URL(file, src), 'utf8').matchAll(/['"`](\/problems\/[a-z0-9]+(?:-[a-z0-9]+)*)['"`]/g)) {
    scanned.add(match[1] as string)
  }
}
// Types the lead's resilience work sends; listed so their pages exist before the code does.
const planned = ['unauthorized', 'rate-limited', 'overloaded', 'query-too-long'].map((name) => `/problems/${name}`)

let app: FastifyInstance
beforeAll(async () => { app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' })) })
afterAll(async () => { await app.close() })

describe('problem types resolve on the service', () => {
  it('the scan finds the types the service sends (at least 20)', () => {
    expect(scanned.size).toBeGreaterThanOrEqual(20)
    expect([...scanned]).toEqual(expect.arrayContaining(['/problems/invalid-request', '/problems/upstream-signature-invalid', '/problems/cache-unavailable']))
  })

  it.each([...new Set([...scanned, ...planned])].sort())('GET %s → 200, a human page with title, retry and operator advice', async (type) => {
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
    expect(json.json()).toMatchObject({ type: '/problems/upstream-sign-error', status: 502, retry: expect.any(String), operator: expect.stringContaining('WECHATPAY_MERCHANT_SERIAL_NO') })
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
    for (const name of Object.keys(PROBLEM_CATALOGUE)) expect(res.body).toContain(`href="/problems/${name}"`)
    const json = await app.inject({ url: '/problems', headers: { accept: 'application/json' } })
    expect(json.json<unknown[]>()).toHaveLength(Object.keys(PROBLEM_CATALOGUE).length)
  })

  it.each(['no-such-thing', 'constructor', '__proto__', 'UPSTREAM-ERROR'])('an unknown name (%s) → 404 problem', async (name) => {
    const res = await app.inject({ url: `/problems/${name}` })
    expect(res.statusCode).toBe(404)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(res.json()).toMatchObject({ type: '/problems/not-found', status: 404, instance: `urn:request:${String(res.headers['x-request-id'])}` })
  })

  it('is not part of the OpenAPI document', async () => {
    const doc = (await app.inject({ url: '/docs/json' })).json<{ paths: Record<string, unknown> }>()
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/problems'))).toEqual([])
  })

  it('states the same status and title as the upstream error table', () => {
    for (const kind of [...Object.values(WECHATPAY_ERROR_CODES), ...Object.values(UPSTREAM_FAILURES)]) {
      const doc = PROBLEM_CATALOGUE[kind.type.replace('/problems/', '')]
      expect(doc, kind.type).toMatchObject({ status: kind.status, title: kind.title })
    }
  })
})
