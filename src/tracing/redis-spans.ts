import { createRequire } from 'node:module'
import { diag, type TracerProvider } from '@opentelemetry/api'
import { isWrapped, registerInstrumentations } from '@opentelemetry/instrumentation'
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis'
import { redisStatement } from './redis-statement.js'

/**
 * Every Redis command made within a request's span, as a client span of its own (the ioredis
 * instrumentation; commands outside any span, such as pub/sub, make none). Must run before the
 * app imports ioredis.
 */
export function traceRedis (tracerProvider: TracerProvider): void {
  registerInstrumentations({
    tracerProvider,
    instrumentations: [new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: redisStatement })]
  })
  // ioredis is CommonJS. Required here, once the instrumentation is on, it passes through the
  // instrumentation's require hook, which patches its client's prototype in place; the app's
  // `import` then gets that very module from Node's cache. An import hook (module.register) would
  // do it for ES modules too, but runs a module loader thread of its own: about 30 MB of memory and
  // half a second of start-up on Node 20, for one CommonJS package.
  const { prototype } = createRequire(import.meta.url)('ioredis') as { prototype: { sendCommand: unknown } }
  if (!isWrapped(prototype.sendCommand)) diag.warn('ioredis was not instrumented: Redis commands will have no spans')
}
