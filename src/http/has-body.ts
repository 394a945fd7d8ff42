import type { IncomingHttpHeaders } from 'node:http'

/** Whether a request announced a body: a Content-Length above 0, or any Transfer-Encoding. */
export function hasBody (headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length']
  return (length !== undefined && length !== '0') || headers['transfer-encoding'] !== undefined
}
