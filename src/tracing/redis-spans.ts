import { createRequire } from 'node:module'
import { diag, type Span, type TracerProvider } from '@opentelemetry/api'
import { ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from '@opentelemetry/semantic-conventions'
import { isWrapped, registerInstrumentations } from '@opentelemetry/instrumentation'
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis'
import { redisStatement } from './redis-statement.js'

interface RedisClient { stream?: { remoteAddress?: string, remotePort?: number } }

/** The client whose command is being sent: the instrumentation's hook is not given it. */
let sending: RedisClient | undefined

/**
 * The instrumentation names the server from the client's options, which behind Sentinel are its
 * defaults (localhost:6379): the node the command actually goes to is the connection's peer.
 */
function nodeUsed (span: Span): void {
  const { remoteAddress, remotePort } = sending?.stream ?? {}
  if (remoteAddress !== undefined && remotePort !== undefined) {
    span.setAttributes({ [ATTR_SERVER_ADDRESS]: remoteAddress, [ATTR_SERVER_PORT]: remotePort })
  }
}

/**
 * Every Redis command made within a request's span, as a client span of its own (the ioredis
 * instrumentation; commands outside any span, such as pub/sub, make none), naming the node it went
 * to. Must run before the app imports ioredis.
 */
export function traceRedis (tracerProvider: TracerProvider): void {
  registerInstrumentations({
    tracerProvider,
    instrumentations: [
      new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: redisStatement, requestHook: nodeUsed })
    ]
  })
  // ioredis is CommonJS. Required here, once the instrumentation is on, it passes through the
  // instrumentation's require hook, which patches its client's prototype in place; the app's
  // `import` then gets that very module from Node's cache. An import hook (module.register) would
  // do it for ES modules too, but runs a module loader thread of its own: about 30 MB of memory and
  // half a second of start-up on Node 20, for one CommonJS package.
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
