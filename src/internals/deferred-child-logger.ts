import type { FastifyBaseLogger, FastifyLogFn } from 'fastify'
import type { Bindings, ChildLoggerOptions } from 'fastify/types/logger.js'
import type { ReliedOn } from './relied-on.js'

// Library internals, with the versions they were checked against (test/unit/library-internals.test.ts).
export const RELIES_ON: readonly ReliedOn[] = [
  {
    package: 'fastify',
    checked: '5.12.8',
    below: '6.0.0',
    internal: 'childLoggerFactory\'s result is request.log as is, once it has the level methods and child(); ' +
      'the default factory is logger.child(bindings, options)'
  },
  {
    package: 'pino',
    checked: '10.4.0',
    below: '11.0.0',
    internal: 'the level methods are those of LEVELS, and child(bindings, options) binds as a child made later would'
  }
]

export const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
type Level = typeof LEVELS[number]

/** A pino child per request cost a tenth of a cache hit's CPU, for a logger a hit never uses. */
export class DeferredChildLogger implements FastifyBaseLogger {
  readonly #parent: FastifyBaseLogger
  readonly #bindings: Bindings
  readonly #options: ChildLoggerOptions
  #child: FastifyBaseLogger | undefined

  constructor (parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent
    this.#bindings = bindings
    this.#options = options
  }

  real (): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options)
    return this.#child
  }

  get level (): string {
    return this.#child?.level ?? this.#options.level ?? this.#parent.level
  }

  set level (level: string) {
    this.real().level = level
  }

  child (bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real().child(bindings, options)
  }
}

// The level methods live on the prototype: a request allocates the logger object and nothing more.
export interface DeferredChildLogger extends Record<Level, FastifyLogFn> {}
for (const level of LEVELS) {
  DeferredChildLogger.prototype[level] = function (this: DeferredChildLogger, ...args: unknown[]) {
    (this.real()[level] as (...line: unknown[]) => void)(...args)
  } as FastifyLogFn
}

export function deferredChildLogger (logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new DeferredChildLogger(logger, bindings, options)
}
