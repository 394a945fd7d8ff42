import type { FastifyReply } from 'fastify'

/**
 * Adds a request header to the answer's `Vary`, keeping those already there: with CORS on, every
 * answer varies on `Origin`, and a route that also varies on `Accept` must not drop it.
 */
export function addVary (reply: FastifyReply, field: string): void {
  const current = reply.getHeader('vary')
  if (current === undefined) {
    reply.header('vary', field)
    return
  }
  const fields = typeof current === 'string' ? current.split(',').map((name) => name.trim()).filter((name) => name !== '') : []
  if (fields.includes('*') || fields.some((name) => name.toLowerCase() === field.toLowerCase())) return
  reply.header('vary', [...fields, field].join(', '))
}
