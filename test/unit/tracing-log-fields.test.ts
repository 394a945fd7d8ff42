import { randomBytes, randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { activeSpanIds } from '../../src/tracing/log-fields.js'
import { SdkDiagnostics } from '../../src/tracing/sdk-diagnostics.js'

describe('log fields of tracing', () => {
  it('are none while no span is active, in a new object every time (pino merges into it)', () => {
    const first = activeSpanIds()
    expect(first).toEqual({})
    expect(activeSpanIds()).not.toBe(first)
  })

  it('log the SDK\'s warnings and errors, each message at most once a minute, those said before the log too', () => {
    const said: Array<{ fields: object, message: string }> = []
    let now = 0
    const diag = new SdkDiagnostics(() => now)
    // Said before the log exists: kept until it does.
    diag.warn('OTEL_TRACES_SAMPLER value "sometimes" invalid')
    expect(said).toEqual([])
    diag.attach({ warn: (fields, message) => { said.push({ fields, message }) } })
    diag.error('export failed: ECONNREFUSED')
    diag.error('export failed: ECONNREFUSED')
    diag.info('verbose chatter')
    diag.debug('more chatter')
    expect(said.map((s) => s.fields)).toEqual([
      { otel: 'OTEL_TRACES_SAMPLER value "sometimes" invalid' },
      { otel: 'export failed: ECONNREFUSED' }
    ])
    now += 60_001
    diag.error('export failed: ECONNREFUSED')
    expect(said).toHaveLength(3)
  })
  it('hold back a warning said again about another span, trace, request or count, for a minute', () => {
    const said: object[] = []
    let now = 0
    const diag = new SdkDiagnostics(() => now)
    diag.attach({ warn: (fields) => { said.push(fields) } })
    const ended = (): string => 'Can not execute the operation on ended Span ' +
      `{traceId: ${randomBytes(16).toString('hex')}, spanId: ${randomBytes(8).toString('hex')}}`
    const first = ended()
    diag.warn(first)
    for (let i = 0; i < 50; i++) diag.warn(ended())
    for (let i = 0; i < 50; i++) diag.error(`export of ${i + 1} spans failed, request ${randomUUID()}`)
    // The first saying is logged whole, ids and all.
    expect(said).toEqual([{ otel: first }, { otel: expect.stringMatching(/^export of 1 spans failed/) }])
    now += 60_001
    diag.warn(ended())
    expect(said).toHaveLength(3)
  })

  it('remember a bounded number of warnings, forgetting the oldest', () => {
    const said: object[] = []
    const diag = new SdkDiagnostics(() => 0)
    diag.attach({ warn: (fields) => { said.push(fields) } })
    // Distinct without digits or hex ids (letters g to z), so nothing is left out of them.
    const word = (i: number): string => [...i.toString(20)].map((c) => String.fromCharCode(103 + parseInt(c, 20))).join('')
    for (let i = 0; i < 1_000; i++) diag.warn(`exporter ${word(i)} refused`)
    expect(said).toHaveLength(1_000)
    diag.warn(`exporter ${word(999)} refused`)
    expect(said).toHaveLength(1_000)
    diag.warn(`exporter ${word(0)} refused`)
    expect(said).toHaveLength(1_001)
  })
})
