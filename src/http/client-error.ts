import { randomUUID } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyBaseLogger } from 'fastify'
import { PROBLEM_CONTENT_TYPE, problemInstance } from './problem.js'

const STATUS_BY_CODE: Readonly<Record<string, number>> = Object.freeze({
  ERR_HTTP_REQUEST_TIMEOUT: 408,
  HPE_HEADER_OVERFLOW: 431
})

const DETAIL_BY_STATUS: Readonly<Record<number, string>> = Object.freeze({
  400: 'The request is not valid HTTP/1.1 (a malformed header, or Content-Length together with Transfer-Encoding).',
  408: 'The request did not arrive in time; the connection is closed.',
  431: 'The request\'s headers are too large.'
})

/** Only the error's code is logged: the raw bytes may hold anything, a token included. */
export function answerClientError (log: FastifyBaseLogger, error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const status = STATUS_BY_CODE[error.code ?? ''] ?? 400
  const requestId = randomUUID()
  log.info({ reqId: requestId, code: error.code, status }, 'client error before routing')
  if (!socket.writable) {
    socket.destroy()
    return
  }
  // Ended, not destroyed: a reset could make the caller drop the answer unread.
  socket.end(rawProblem(status, requestId))
  setTimeout(() => { socket.destroy() }, 1_000).unref()
}

function rawProblem (status: number, requestId: string): string {
  const title = STATUS_CODES[status] ?? 'Error'
  const detail = DETAIL_BY_STATUS[status]
  const body = JSON.stringify({ type: 'about:blank', title, status, detail, instance: problemInstance(requestId) })
  return `HTTP/1.1 ${status} ${title}\r\n` +
    `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    `X-Request-Id: ${requestId}\r\n` +
    'X-Content-Type-Options: nosniff\r\n' +
    'Cache-Control: no-store\r\n' +
    'Connection: close\r\n\r\n' +
    body
}
