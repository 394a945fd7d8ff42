import { createRequire } from 'node:module'
import { diag, type Span, type TracerProvider } from '@opentelemetry/api'
import { ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from '@opentelemetry/semantic-conventions'
import { isWrapped, registerInstrumentations } from '@opentelemetry/instrumentation'
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis'
import { redisStatement } from './redis-statement.js'

interface RedisClient { stream?: { remoteAddress?: string, remotePort?: number } }

let sending: RedisClient | undefined

/** Behind Sentinel the client's options are defaults (localhost:6379): the real node is the connection's peer. */
function nodeUsed (span: Span): void {
  const { remoteAddress, remotePort } = sending?.stream ?? {}
  if (remoteAddress !== undefined && remotePort !== undefined) {
    span.setAttributes({ [ATTR_SERVER_ADDRESS]: remoteAddress, [ATTR_SERVER_PORT]: remotePort })
  }
}

/** Must run before the app imports ioredis. */
export function traceRedis (tracerProvider: TracerProvider): void {
  registerInstrumentations({
    tracerProvider,
    instrumentations: [
      new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: redisStatement, requestHook: nodeUsed })
    ]
  })
  // Required (CommonJS) once the instrumentation is on, so its require hook patches the prototype the app then imports.
  // An import hook would cost a loader thread: about 30 MB and half a second of start-up on Node 20.
  const { prototype } = createRequire(import.meta.url)('ioredis') as { prototype: { sendCommand: (...args: unknown[]) => unknown } }
  if (!isWrapped(prototype.sendCommand)) {
    diag.warn('ioredis was not instrumented: Redis commands will have no spans')
    return
  }
  // Around the instrumented sendCommand, which calls the request hook synchronously: the hook then knows the client.
  const instrumented = prototype.sendCommand
  prototype.sendCommand = function (this: RedisClient, ...args: unknown[]): unknown {
    sending = this
    try {
      return instrumented.apply(this, args)
    } finally {
      sending = undefined
    }
  }
}
