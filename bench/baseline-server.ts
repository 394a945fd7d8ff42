/**
 * The ceiling: bare Fastify, no logging, no hooks, answering GET /cards with the very page bytes
 * the service serves (read from the file named by argv[2]) from memory. Listens on argv[3].
 */
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'

const [pageFile, port] = process.argv.slice(2)
if (pageFile === undefined || port === undefined) throw new Error('usage: baseline-server <page file> <port>')
const page = readFileSync(pageFile)
const app = Fastify({ logger: false })
app.get('/cards', async (_request, reply) => await reply.type('application/json; charset=utf-8').send(page))
await app.listen({ host: '127.0.0.1', port: Number(port) })
