/**
 * The ceilings: bare Fastify, no logging, no hooks, sending from memory the very bytes the service
 * serves. GET /cards answers the identity page (the file named by argv[2]); GET /cards.gz the
 * service's own gzip form of it (argv[3]) with content-encoding: gzip, so a compressed hit is
 * compared with sending the same compressed bytes. Listens on argv[4]. With argv[5] `access-log`:
 * (a3), the same with one pino access line per request from an onResponse hook (to /dev/null),
 * what any Fastify service that logs its requests pays; with `lean-access-log`: (a4), that line
 * written as the service writes its own, in synchronous 4 KB batches and from one logger rather
 * than a child per request.
 */
import { readFileSync } from 'node:fs'
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify'
import pino from 'pino'

const [pageFile, gzipFile, port, mode] = process.argv.slice(2)
if (pageFile === undefined || gzipFile === undefined || port === undefined) {
  throw new Error('usage: baseline-server <page file> <gzip page file> <port>')
}
const page = readFileSync(pageFile)
const gzipped = readFileSync(gzipFile)
/** Fastify's own two request lines off: the hook below writes the one access line. */
class HookLogsOnly extends LogController {
  override isLogDisabled (): boolean {
    return true
  }
}
const lean = mode === 'lean-access-log'
const logged = mode === 'access-log' || lean
const logger = lean
  ? pino(pino.destination({ dest: '/dev/null', sync: true, minLength: 4096 }))
  : pino(pino.destination({ dest: '/dev/null', sync: false }))
// Lean: every request logs through the one logger instead of a child made for it.
const oneLogger = lean ? { childLoggerFactory: (parent: FastifyBaseLogger) => parent } : {}
const app = Fastify(logged ? { loggerInstance: logger, logController: new HookLogsOnly(), ...oneLogger } : { logger: false })
if (logged) {
  app.addHook('onResponse', (request, reply, done) => {
    const line = { method: request.method, url: request.url, status: reply.statusCode, duration_ms: reply.elapsedTime }
    if (lean) logger.info({ reqId: request.id, ...line }, 'request completed')
    else request.log.info(line, 'request completed')
    done()
  })
}
app.get('/cards', async (_request, reply) => await reply.type('application/json; charset=utf-8').send(page))
app.get('/cards.gz', async (_request, reply) =>
  await reply.type('application/json; charset=utf-8').header('content-encoding', 'gzip').send(gzipped))
await app.listen({ host: '127.0.0.1', port: Number(port) })
