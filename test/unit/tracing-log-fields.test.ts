import { describe, expect, it } from 'vitest'
import { activeSpanIds, diagToLog } from '../../src/tracing/log-fields.js'

describe('log fields of tracing', () => {
  it('are none while no span is active, in a new object every time (pino merges into it)', () => {
    const first = activeSpanIds()
    expect(first).toEqual({})
    expect(activeSpanIds()).not.toBe(first)
  })

  it('log the SDK\'s warnings and errors, each message at most once a minute', () => {
    const said: Array<{ fields: object, message: string }> = []
    let now = 0
    const diag = diagToLog({ warn: (fields, message) => { said.push({ fields, message }) } }, () => now)
    diag.error('export failed: ECONNREFUSED')
    diag.error('export failed: ECONNREFUSED')
    diag.warn('OTEL_TRACES_SAMPLER value "sometimes" invalid')
    diag.info('verbose chatter')
    diag.debug('more chatter')
    expect(said.map((s) => s.fields)).toEqual([
      { otel: 'export failed: ECONNREFUSED' },
      { otel: 'OTEL_TRACES_SAMPLER value "sometimes" invalid' }
    ])
    now += 60_001
    diag.error('export failed: ECONNREFUSED')
    expect(said).toHaveLength(3)
  })
})
