import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { DeferredChildLogger } from '../../src/internals/deferred-child-logger.js'

function capture (): { logger: pino.Logger, lines: () => Array<Record<string, unknown>> } {
  const out: string[] = []
  const logger = pino({ base: undefined, timestamp: false, level: 'debug' }, { write: (line: string) => { out.push(line) } })
  return { logger, lines: () => out.map((line) => JSON.parse(line) as Record<string, unknown>) }
}

describe('DeferredChildLogger', () => {
  it('writes exactly the lines a pino child with the same bindings writes', () => {
    const plain = capture()
    const deferred = capture()
    const child = plain.logger.child({ reqId: 'r-1' })
    const lazy = new DeferredChildLogger(deferred.logger, { reqId: 'r-1' }, {})
    for (const log of [child, lazy]) {
      log.info({ cache: 'hit' }, 'request completed')
      log.warn('plain message')
      log.debug({ n: 1 }, 'formatted %s', 'text')
      log.trace('below the level')
      log.child({ page: 2 }).error('from a grandchild')
    }
    expect(deferred.lines()).toEqual(plain.lines())
    expect(deferred.lines()).toHaveLength(4)
  })

  it('makes no pino child until something logs, and then one', () => {
    const { logger } = capture()
    let children = 0
    const counting = Object.assign(Object.create(logger) as pino.Logger, {
      child: (...args: Parameters<pino.Logger['child']>) => { children++; return logger.child(...args) }
    })
    const lazy = new DeferredChildLogger(counting, { reqId: 'r-2' }, { level: 'warn' })
    expect(lazy.level).toBe('warn')
    expect(children).toBe(0)
    lazy.error('one')
    lazy.error('two')
    expect(children).toBe(1)
    expect(lazy.level).toBe('warn')
  })
})
