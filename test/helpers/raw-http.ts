import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

export interface RawExchange {
  /** Everything the service wrote before it closed the connection. */
  response: string
  /** Milliseconds from the first byte sent until the service ended the connection. */
  closedAfterMs: number
}

/**
 * Speaks HTTP/1.1 by hand over one socket, the way a hostile caller would: `head` at once, then each
 * of `trickle` after `everyMs`, until the service closes the connection or `giveUpMs` pass.
 */
export async function rawExchange (
  url: string, head: string, trickle: string[] = [], everyMs = 200, giveUpMs = 20_000
): Promise<RawExchange> {
  const { hostname, port } = new URL(url)
  const socket: Socket = connect(Number(port), hostname)
  socket.on('error', () => {}) // a reset is one way of closing
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  // The service's end (FIN) or a reset, whichever comes first: either way it let go of the caller.
  const closed = new Promise<void>((resolve) => {
    socket.once('end', () => { resolve() })
    socket.once('close', () => { resolve() })
  })
  await new Promise((resolve) => socket.once('connect', resolve))
  const started = performance.now()
  socket.write(head)
  const sender = (async () => {
    for (const piece of trickle) {
      await sleep(everyMs)
      if (socket.destroyed) return
      socket.write(piece)
    }
  })()
  const timer = setTimeout(() => { socket.destroy() }, giveUpMs)
  await closed
  clearTimeout(timer)
  socket.destroy()
  await sender
  return { response: Buffer.concat(chunks).toString('utf8'), closedAfterMs: performance.now() - started }
}

/** The status, headers (lower-cased) and JSON body of a raw HTTP/1.1 answer. */
export function parseRaw (response: string): { status: number, headers: Record<string, string>, body: unknown } {
  const [head = '', body = ''] = response.split('\r\n\r\n', 2)
  const [statusLine = '', ...lines] = head.split('\r\n')
  const headers = Object.fromEntries(lines.map((line) => {
    const colon = line.indexOf(':')
    return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]
  }))
  return { status: Number(statusLine.split(' ')[1]), headers, body: body === '' ? undefined : JSON.parse(body) }
}
