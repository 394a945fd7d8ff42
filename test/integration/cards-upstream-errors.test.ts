import { describe, expect, it } from 'vitest'
import type { FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { useService } from '../helpers/suite.js'
import { uniqueAppid } from '../helpers/unique.js'
import { freePort } from '../helpers/redis-server.js'

let fake: FakeWechatpay
let service: TestApp

useService({ config: { wechatpay: { timeoutMs: 400 } } }, (f, s) => { fake = f; service = s })

const cards = (): string => `/cards?appid=${uniqueAppid()}&offset=0&limit=3`
const SIGN_INFORMATION = {
  method: 'GET',
  url: '/v3/marketing/membercard-open/cards?appid=wx1&offset=0&limit=3',
  sign_message_length: 120,
  truncated_sign_message: 'GET\n/v3/marketing/membercard-open/cards?appid=wx1\n1700000000\nSECRETNONCE\n\n'
}

describe('WeChat Pay error codes become problems', () => {
  it.each([
    [400, 'PARAM ERROR', 'AppID有误', 400, '/problems/upstream-param-error'],
    [400, 'PARAM_ERROR', '参数错误', 400, '/problems/upstream-param-error'],
    [400, 'INVALID_REQUEST', 'AppID非服务号', 400, '/problems/upstream-invalid-request'],
    [403, 'NO_AUTH', '商户暂无权限使用此功能', 403, '/problems/upstream-no-auth'],
    [404, 'RESOURCE_NOT_EXISTS', '资源不存在', 404, '/problems/upstream-not-found'],
    [404, 'NOT_FOUND', '资源不存在', 404, '/problems/upstream-not-found'],
    [500, 'SYSTEM_ERROR', '系统异常，请稍后重试', 502, '/problems/upstream-system-error'],
    [503, 'SERVICE_UNAVAILABLE', '服务不可用', 502, '/problems/upstream-unavailable'],
    [400, 'SOME_NEW_CODE', '新的错误', 400, '/problems/upstream-bad-request'],
    [502, 'GATEWAY_BROKE', 'bad gateway', 502, '/problems/upstream-error']
  ])('%i %s (%s) → %i %s, with WeChat\'s code, message and Request-ID', async (upstreamStatus, code, message, status, type) => {
    // Three times: a retryable status is tried again twice before it becomes the answer.
    const fault = { kind: 'error' as const, status: upstreamStatus, code, message }
    fake.simulator.enqueue(fault, fault, fault)
    const res = await fetch(`${service.url}${cards()}`)
    expect(res.status).toBe(status)
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    const problem = await res.json() as Record<string, unknown>
    expect(problem).toMatchObject({
      type,
      status,
      code,
      detail: message,
      instance: `urn:request:${res.headers.get('x-request-id') ?? 'missing'}`
    })
    expect(problem.title).toEqual(expect.any(String))
    expect(problem.request_id).toMatch(/^[0-9A-F]+-\d+$/)
  })

  it.each([
    ['FREQUENCY_LIMITED', undefined, '60'],
    ['RATELIMIT_EXCEEDED', undefined, '1'],
    ['FREQUENCY_LIMITED', '7', '7']
  ])('429 %s (upstream Retry-After %s) → 429 with Retry-After %s', async (code, upstreamRetryAfter, expected) => {
    fake.simulator.enqueue({
      kind: 'error',
      status: 429,
      code,
      message: '请求过于频繁',
      ...(upstreamRetryAfter === undefined ? {} : { headers: { 'Retry-After': upstreamRetryAfter } })
    })
    const res = await fetch(`${service.url}${cards()}`)
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe(expected)
    expect(await res.json()).toMatchObject({ type: '/problems/upstream-rate-limited', code })
  })

  it('401 SIGN_ERROR → 502, logged at error level, and sign_information never leaves', async () => {
    fake.simulator.enqueue({
      kind: 'error',
      status: 401,
      code: 'SIGN_ERROR',
      message: '签名错误，请检查后再试',
      detail: { field: 'signature', sign_information: SIGN_INFORMATION }
    })
    const res = await fetch(`${service.url}${cards()}`)
    expect(res.status).toBe(502)
    const text = await res.text()
    expect(JSON.parse(text)).toMatchObject({ type: '/problems/upstream-sign-error', code: 'SIGN_ERROR' })
    for (const secret of ['sign_information', 'truncated_sign_message', 'SECRETNONCE']) {
      expect(text).not.toContain(secret)
      expect(service.rawLogs()).not.toContain(secret)
    }
    expect(service.logs.some((l) => l.level === 50 && l.wechat_code === 'SIGN_ERROR')).toBe(true)
  })

  it('an unsigned error answer is mapped as an error, not refused as forged', async () => {
    const fault = { kind: 'error' as const, status: 500, code: 'SYSTEM_ERROR', message: '系统繁忙', signed: false }
    fake.simulator.enqueue(fault, fault, fault)
    const res = await fetch(`${service.url}${cards()}`)
    expect(await res.json()).toMatchObject({ type: '/problems/upstream-system-error', code: 'SYSTEM_ERROR' })
  })

  it('a non-JSON error answer falls back by status', async () => {
    const fault = { kind: 'raw' as const, status: 503, body: '<html>busy</html>', contentType: 'text/html', signed: false }
    fake.simulator.enqueue(fault, fault, fault)
    const res = await fetch(`${service.url}${cards()}`)
    expect(res.status).toBe(502)
    const problem = await res.json() as Record<string, unknown>
    expect(problem.type).toBe('/problems/upstream-error')
    expect(problem.code).toBeUndefined()
  })

  it('an answer slower than WECHATPAY_TIMEOUT_MS → 504 upstream-timeout', async () => {
    fake.simulator.enqueue({ kind: 'delay', ms: 1500 })
    const started = Date.now()
    const res = await fetch(`${service.url}${cards()}`)
    expect(res.status).toBe(504)
    expect(await res.json()).toMatchObject({ type: '/problems/upstream-timeout' })
    expect(Date.now() - started).toBeLessThan(1500)
  })

  it('a dropped connection → 502 upstream-unreachable', async () => {
    fake.simulator.enqueue({ kind: 'drop' }, { kind: 'drop' }, { kind: 'drop' })
    const started = Date.now()
    const res = await fetch(`${service.url}${cards()}`)
    expect(res.status).toBe(502)
    expect(await res.json()).toMatchObject({ type: '/problems/upstream-unreachable' })
    // Retryable, so it says when, as the 429s and 503s do; its own retries still back off in well under that.
    expect(res.headers.get('retry-after')).toBe('5')
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  it('the simulator refusing our signature when our clock is 10 minutes off → 502 sign error, nothing leaked', async () => {
    const skewed = await startTestApp(fake, {}, { now: () => Date.now() - 10 * 60_000 })
    try {
      const res = await fetch(`${skewed.url}${cards()}`)
      const text = await res.text()
      expect(res.status).toBe(502)
      expect(JSON.parse(text)).toMatchObject({ type: '/problems/upstream-sign-error', code: 'SIGN_ERROR' })
      expect(fake.simulator.calls[0]?.authorization.ok).toBe(false)
      expect(text).not.toContain('sign_information')
      expect(skewed.rawLogs()).not.toContain('sign_information')
    } finally {
      await skewed.close()
    }
  })
})

describe('an unreachable WeChat Pay', () => {
  it('a closed port → 502 upstream-unreachable', async () => {
    const port = await freePort()
    const offline = await startTestApp(fake, { wechatpay: { baseUrl: `http://127.0.0.1:${port}` } })
    try {
      const res = await fetch(`${offline.url}${cards()}`)
      expect(res.status).toBe(502)
      expect(await res.json()).toMatchObject({ type: '/problems/upstream-unreachable' })
      expect(res.headers.get('retry-after')).toBe('5')
    } finally {
      await offline.close()
    }
  })
})
