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
})
