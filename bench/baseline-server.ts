/**
 * The ceilings: bare Fastify, no logging, no hooks, sending from memory the very bytes the service
 * serves. GET /cards answers the identity page (the file named by argv[2]); GET /cards.gz the
 * service's own gzip form of it (argv[3]) with content-encoding: gzip, so a compressed hit is
 * compared with sending the same compressed bytes. Listens on argv[4].
 */
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'

const [pageFile, gzipFile, port] = process.argv.slice(2)
if (pageFile === undefined || gzipFile === undefined || port === undefined) {
  throw new Error('usage: baseline-server <page file> <gzip page file> <port>')
}
const page = readFileSync(pageFile)
const gzipped = readFileSync(gzipFile)
const app = Fastify({ logger: false })
app.get('/cards', async (_request, reply) => await reply.type('application/json; charset=utf-8').send(page))
app.get('/cards.gz', async (_request, reply) =>
  await reply.type('application/json; charset=utf-8').header('content-encoding', 'gzip').send(gzipped))
await app.listen({ host: '127.0.0.1', port: Number(port) })
