import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { errorFromAnswer, parseRetryAfter } from '../../src/wechatpay/error-answer.js'
import { PROBLEMS, problemType, type ProblemName } from '../../src/problems/registry.js'
import { classifyWechatpayError, retryAfterForCode, WECHATPAY_ERROR_CODES } from '../../src/wechatpay/errors.js'
import { checkCardPageShape } from '../../src/wechatpay/endpoints/card-page-shape.js'
import { isUtf8 } from 'node:buffer'
import fc from 'fast-check'

interface Expected { status: number, retryable: boolean, retryAfterSeconds?: number }

// Written out by hand from the endpoint page and docs/wechatpay-protocol.md §3.2, not derived from the source table.
const EXPECTED: Record<string, Expected> = {
  PARAM_ERROR: { status: 400, retryable: false },
  'PARAM ERROR': { status: 400, retryable: false },
  INVALID_REQUEST: { status: 400, retryable: false },
  SIGN_ERROR: { status: 502, retryable: false },
  NO_AUTH: { status: 403, retryable: false },
  RESOURCE_NOT_EXISTS: { status: 404, retryable: false },
  NOT_FOUND: { status: 404, retryable: false },
  FREQUENCY_LIMITED: { status: 429, retryable: true, retryAfterSeconds: 60 },
  RATELIMIT_EXCEEDED: { status: 429, retryable: true, retryAfterSeconds: 1 },
  SYSTEM_ERROR: { status: 502, retryable: true },
  SERVICE_UNAVAILABLE: { status: 502, retryable: true }
}

interface Kind { status: number, retryable: boolean, retryAfterSeconds?: number | undefined, type: string, title: string }

/** What a caller gets for a problem name (and WeChat code): the registry's entry, with the code's own wait. */
function kindOf (name: ProblemName, code?: string): Kind {
  const definition = PROBLEMS[name]
  return { ...definition, type: problemType(name), retryAfterSeconds: retryAfterForCode(code) ?? definition.retryAfterSeconds }
}

function expectWellFormed (kind: Kind): void {
  expect(kind.type).toMatch(/^\/problems\/[a-z0-9-]+$/)
  expect(kind.title.trim()).not.toBe('')
}

describe('WECHATPAY_ERROR_CODES', () => {
  it('holds exactly the expected codes', () => {
    expect(Object.keys(WECHATPAY_ERROR_CODES).sort()).toEqual(Object.keys(EXPECTED).sort())
  })

  it.each(Object.entries(EXPECTED))('maps %s', (code, expected) => {
    const name = WECHATPAY_ERROR_CODES[code]
    if (name === undefined) throw new Error(`${code} is missing from the table`)
    const kind = kindOf(name, code)
    expect(kind.status).toBe(expected.status)
    expect(kind.retryable).toBe(expected.retryable)
    expect(kind.retryAfterSeconds).toBe(expected.retryAfterSeconds)
    expectWellFormed(kind)
    // Whatever the HTTP status WeChat Pay pairs it with, the code decides.
    for (const httpStatus of [400, 401, 403, 404, 429, 500, 503]) {
      expect(classifyWechatpayError(httpStatus, code)).toBe(name)
    }
  })

  it('keeps the spelling with a space apart from the underscore one only by key', () => {
    expect(classifyWechatpayError(400, 'PARAM ERROR')).toEqual(classifyWechatpayError(400, 'PARAM_ERROR'))
  })

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(WECHATPAY_ERROR_CODES)).toBe(true)
  })
})

describe('failures of the exchange that are not WeChat codes', () => {
  it.each([
    ['upstream-signature-invalid', 502, false],
    ['upstream-bad-response', 502, false],
    ['upstream-unreachable', 502, true],
    ['upstream-timeout', 504, true]
  ] as const)('%s is a %i (retryable: %s)', (name, status, retryable) => {
    const kind = kindOf(name)
    expect(kind.status).toBe(status)
    expect(kind.retryable).toBe(retryable)
    expectWellFormed(kind)
  })
})

describe('classifyWechatpayError: unknown codes fall back by HTTP status', () => {
  it.each([
    [400, 400, false],
    [401, 502, false],
    [403, 403, false],
    [404, 404, false],
    [429, 429, true],
    [500, 502, true],
    [503, 502, true],
    [302, 502, false],
    [418, 502, false]
  ] as const)('HTTP %i → %i (retryable: %s)', (httpStatus, status, retryable) => {
    for (const code of ['SOMETHING_NEW', undefined]) {
      const kind = kindOf(classifyWechatpayError(httpStatus, code), code)
      expect(kind.status).toBe(status)
      expect(kind.retryable).toBe(retryable)
      expectWellFormed(kind)
    }
  })

  it('treats an unknown 401 as our signing error', () => {
    expect(classifyWechatpayError(401, 'NEW_AUTH_CODE')).toEqual(WECHATPAY_ERROR_CODES.SIGN_ERROR)
  })

  it('gives an unknown 429 a retry delay', () => {
    expect(kindOf(classifyWechatpayError(429, undefined)).retryAfterSeconds).toBeGreaterThan(0)
  })

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])('treats "%s" as an unknown code', (code) => {
    for (const httpStatus of [400, 404, 500, 418]) {
      const name = classifyWechatpayError(httpStatus, code)
      expect(name).toEqual(classifyWechatpayError(httpStatus, 'SOMETHING_NEW'))
      expect(typeof kindOf(name, code).status).toBe('number')
    }
    expect(kindOf(classifyWechatpayError(400, code)).status).toBe(400)
  })
})

describe('errorFromAnswer', () => {
  // docs/wechatpay-protocol.md §3.1: a real 401 body; sign_information echoes the message we signed.
  const signErrorBody = Buffer.from(JSON.stringify({
    code: 'SIGN_ERROR',
    message: '签名错误，请检查后再试',
    detail: {
      field: 'signature',
      location: 'authorization',
      detail: { issue: 'sign not match' },
      sign_information: {
        method: 'GET',
        url: '/v3/marketing/membercard-open/cards?appid=wxea9c30890f48d5ae',
        sign_message_length: 336,
        truncated_sign_message: 'GET\n/v3/marketing/membercard-open/cards\n1717214400\nSECRETNONCE42\n\n'
      }
    }
  }))

  it('keeps code, message, request id and status', () => {
    const error = errorFromAnswer(401, signErrorBody, 'req-0A1B2C', undefined)
    expect(error.name).toBe('UpstreamError')
    expect(error.problem).toBe(WECHATPAY_ERROR_CODES.SIGN_ERROR)
    expect(kindOf(error.problem).status).toBe(502)
    expect(error.code).toBe('SIGN_ERROR')
    expect(error.wechatMessage).toBe('签名错误，请检查后再试')
    expect(error.requestId).toBe('req-0A1B2C')
    expect(error.upstreamStatus).toBe(401)
    expect(error.message).toContain('401')
  })

  it('does not carry sign_information anywhere', () => {
    const error = errorFromAnswer(401, signErrorBody, 'req-0A1B2C', undefined)
    const forms = [
      JSON.stringify(error),
      String(error),
      error.message,
      error.stack ?? '',
      inspect(error, { depth: 10, showHidden: true }),
      ...Object.getOwnPropertyNames(error).map((name) => inspect((error as unknown as Record<string, unknown>)[name], { depth: 10 }))
    ]
    for (const form of forms) {
      expect(form).not.toContain('sign_information')
      expect(form).not.toContain('truncated_sign_message')
      expect(form).not.toContain('SECRETNONCE42')
      expect(form).not.toContain('sign not match')
    }
  })

  it('keeps the spelling `PARAM ERROR` verbatim', () => {
    const error = errorFromAnswer(400, Buffer.from('{"code":"PARAM ERROR","message":"AppID有误"}'), undefined, undefined)
    expect(error.code).toBe('PARAM ERROR')
    expect(kindOf(error.problem).status).toBe(400)
    expect(error.wechatMessage).toBe('AppID有误')
  })

  it.each([
    [500, '<html><body>502 Bad Gateway</body></html>', 502, true],
    [503, '', 502, true],
    [404, 'Not Found', 404, false],
    [400, '[1,2]', 400, false],
    [400, 'null', 400, false],
    [403, '"NO_AUTH"', 403, false]
  ] as const)('falls back by status %i for the body %j', (status, body, expected, retryable) => {
    const error = errorFromAnswer(status, Buffer.from(body), undefined, undefined)
    expect(error.code).toBeUndefined()
    expect(error.wechatMessage).toBeUndefined()
    expect(kindOf(error.problem).status).toBe(expected)
    expect(kindOf(error.problem).retryable).toBe(retryable)
    expect(error.upstreamStatus).toBe(status)
  })

  it('ignores a code that is not a string', () => {
    const error = errorFromAnswer(400, Buffer.from('{"code":42,"message":{"x":1}}'), undefined, undefined)
    expect(error.code).toBeUndefined()
    expect(error.wechatMessage).toBeUndefined()
    expect(kindOf(error.problem).status).toBe(400)
  })

  it('classifies a "__proto__" code from the network as unknown', () => {
    const error = errorFromAnswer(500, Buffer.from('{"code":"__proto__"}'), undefined, undefined)
    expect(kindOf(error.problem).status).toBe(502)
    expect(kindOf(error.problem).retryable).toBe(true)
  })

  it('uses Retry-After over the table default', () => {
    const body = Buffer.from('{"code":"FREQUENCY_LIMITED","message":"频率超限"}')
    expect(errorFromAnswer(429, body, undefined, '7').retryAfterSeconds).toBe(7)
    expect(errorFromAnswer(429, body, undefined, undefined).retryAfterSeconds).toBe(60)
    expect(errorFromAnswer(429, body, undefined, 'soon').retryAfterSeconds).toBe(60)
  })

  it('gives no retry delay to errors that are not rate limits', () => {
    expect(errorFromAnswer(400, Buffer.from('{"code":"PARAM_ERROR"}'), undefined, undefined).retryAfterSeconds).toBeUndefined()
  })
})

describe('parseRetryAfter', () => {
  const now = Date.UTC(2025, 5, 1, 4, 0, 0)

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0)
    expect(parseRetryAfter('120', now)).toBe(120)
    expect(parseRetryAfter(' 30 ', now)).toBe(30)
  })

  it('reads an HTTP date against the injected clock', () => {
    expect(parseRetryAfter(new Date(now + 90_000).toUTCString(), now)).toBe(90)
    expect(parseRetryAfter('Sun, 01 Jun 2025 04:00:45 GMT', now)).toBe(45)
    // A date in the past means "now", not a negative wait.
    expect(parseRetryAfter('Sun, 01 Jun 2025 03:59:00 GMT', now)).toBe(0)
  })

  it('rounds a date a fraction of a second ahead up, so callers never retry early', () => {
    expect(parseRetryAfter(new Date(now + 1500).toUTCString(), now - 500)).toBe(2)
  })

  it('caps the wait at an hour', () => {
    expect(parseRetryAfter('86400', now)).toBe(3600)
    expect(parseRetryAfter(new Date(now + 86_400_000).toUTCString(), now)).toBe(3600)
  })

  it.each([
    undefined, '', 'soon', 'abc', '5 seconds', '12abc', '1e3', '0x10', '-1', '1.5', 'Retry 5', 'foo 2020', 'x 2030'
  ])('returns undefined for %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined()
  })
})

describe('checkCardPageShape', () => {
  it.each([
    '{"data":[],"total_count":0}',
    '{"data":[{"card_id":"pXX"}],"total_count":20,"offset":1,"limit":20,"need_dynamic_code":false}',
    '{"total_count":1,"data":[{}],"a_field_wechat_adds_later":{"x":[1]}}'
  ])('accepts %s', (body) => {
    expect(checkCardPageShape(Buffer.from(body))).toBeUndefined()
  })

  it.each([
    ['non-JSON', '<html>ok</html>'],
    ['an empty body', ''],
    ['truncated JSON', '{"data":[],"total_co'],
    ['a JSON array', '[{"data":[],"total_count":0}]'],
    ['null', 'null'],
    ['a JSON string', '"{}"'],
    ['a number', '0'],
    ['a missing data', '{"total_count":0}'],
    ['data that is not an array', '{"data":{},"total_count":0}'],
    ['data that is null', '{"data":null,"total_count":0}'],
    ['a string total_count', '{"data":[],"total_count":"0"}'],
    ['a missing total_count', '{"data":[]}']
  ])('refuses %s', (_label, body) => {
    const problem = checkCardPageShape(Buffer.from(body))
    expect(typeof problem).toBe('string')
    expect(problem).not.toBe('')
  })

  it('refuses bytes that are not UTF-8, even where a lossy decode would parse', () => {
    // `{"data":[],"total_count":0,"name":"<0xff>"}`: decoding would turn 0xff into U+FFFD and parse fine.
    const body = Buffer.concat([Buffer.from('{"data":[],"total_count":0,"name":"'), Buffer.from([0xff]), Buffer.from('"}')])
    expect(JSON.parse(body.toString('utf8'))).toMatchObject({ total_count: 0 })
    expect(checkCardPageShape(body)).toMatch(/UTF-8/)
    // An overlong encoding of "/" is not UTF-8 either.
    const overlong = Buffer.concat([Buffer.from('{"data":[],"total_count":0,"p":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')])
    expect(checkCardPageShape(overlong)).toMatch(/UTF-8/)
  })

  it('accepts multi-byte UTF-8 text', () => {
    expect(checkCardPageShape(Buffer.from('{"data":[{"title":"会员卡"}],"total_count":1}'))).toBeUndefined()
  })

  it('gives the verdict a parse of the decoded UTF-8 gives, on any bytes', () => {
    const decodedVerdict = (body: Buffer): boolean => {
      try {
        const page = JSON.parse(body.toString('utf8')) as unknown
        return page !== null && typeof page === 'object' && !Array.isArray(page) &&
          Array.isArray((page as Record<string, unknown>).data) && typeof (page as Record<string, unknown>).total_count === 'number'
      } catch {
        return false
      }
    }
    const page = fc.record({ data: fc.array(fc.jsonValue()), total_count: fc.oneof(fc.integer(), fc.string()) }, { requiredKeys: [] })
    const texts = fc.oneof(fc.json(), page.map((value) => JSON.stringify(value)), fc.string({ unit: 'grapheme' }))
    // Whole texts, and texts cut or patched anywhere (a cut may split a multi-byte character).
    const bodies = fc.oneof(
      texts.map((text) => Buffer.from(text)),
      fc.tuple(texts, fc.nat(), fc.uint8Array({ maxLength: 3 })).map(([text, at, bytes]) => {
        const body = Buffer.from(text)
        const cut = at % (body.length + 1)
        return Buffer.concat([body.subarray(0, cut), Buffer.from(bytes), body.subarray(cut)])
      })
    )
    fc.assert(fc.property(bodies, (body) => {
      expect(checkCardPageShape(body) === undefined).toBe(isUtf8(body) && decodedVerdict(body))
    }), { numRuns: 2_000 })
  })
})
