import type { FastifyBaseLogger, FastifyLogFn } from 'fastify'
import type { Bindings, ChildLoggerOptions } from 'fastify/types/logger.js'

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
type Level = typeof LEVELS[number]

/**
 * A request's logger (request.log) that becomes a pino child only when something logs through it.
 * Fastify makes a child per request to bind its reqId, and pino serializes (and redacts) the
 * bindings as it does: a tenth of a cache hit's CPU, for a logger a hit never uses, since its one
 * access line is written by the log controller. Lines logged through it are the very lines the child
 * would have written.
 */
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

  /** The pino child, made on first use. */
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

/** Fastify's childLoggerFactory: the child, deferred. */
export function deferredChildLogger (logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new DeferredChildLogger(logger, bindings, options)
}
