import type { DiagLogger } from '@opentelemetry/api'
import { setNewest } from '../bounded-map.js'

const REPEAT_AFTER_MS = 60_000
const KEPT_BEFORE_LOG = 20
// The SDK has a few dozen distinct warnings: a flood of others must not grow the memory of what was said.
const REMEMBERED = 200
const VARYING = /\b[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\b|\b(?:[0-9a-f]{32}|[0-9a-f]{16})\b|\d+/gi

type WarnLog = { warn: (fields: object, message: string) => void }

/** The SDK speaks before the log exists: what comes before `attach` waits for it. */
export class SdkDiagnostics implements DiagLogger {
  readonly #lastSaid = new Map<string, number>()
  readonly #now: () => number
  #log: WarnLog | undefined
  #kept: string[] = []

  constructor (now: () => number = Date.now) {
    this.#now = now
  }

  attach (log: WarnLog): void {
    this.#log = log
    for (const message of this.#kept.splice(0)) this.#say(message)
  }

  error = (message: string): void => { this.#say(message) }
  warn = (message: string): void => { this.#say(message) }
  // Below WARN: the SDK is told not to say these (DiagLogLevel.WARN), and they would be noise.
  info = (_message: string): void => {}
  debug = (_message: string): void => {}
  verbose = (_message: string): void => {}

  #say (message: string): void {
    if (this.#log === undefined) {
      if (this.#kept.length < KEPT_BEFORE_LOG) this.#kept.push(message)
      return
    }
    const at = this.#now()
    const kind = message.replace(VARYING, '#')
    if ((this.#lastSaid.get(kind) ?? -Infinity) > at - REPEAT_AFTER_MS) return
    setNewest(this.#lastSaid, kind, at, REMEMBERED)
    this.#log.warn({ otel: message }, 'OpenTelemetry SDK warning: traces may be incomplete')
  }
}
