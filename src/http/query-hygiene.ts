import type { preValidationHookHandler } from 'fastify'

interface ObjectSchema { properties: Record<string, { type?: unknown }> }

// An array fails every scalar type check, so the validator still reports the field.
const REJECT: unknown[] = []
const DECIMAL = /^\d{1,15}$/

export interface MerchantAppids { appids: readonly string[] }

/** ajv would be lenient: `limit=` becomes 0, `offset=0x10` 16, and `limit=1&limit=2` only "must be integer". */
export function queryHygiene (schema: ObjectSchema, appids: readonly string[] = []): preValidationHookHandler {
  const integers = new Set(Object.entries(schema.properties).filter(([, s]) => s.type === 'integer').map(([name]) => name))
  const merchant = new Set(appids)
  // Callback style: an async hook costs every request a promise and a trip through the microtask queue.
  return (request, _reply, done) => {
    const query = request.query as Record<string, unknown>
    let notes: Map<string, string> | undefined // most requests need none: no Map for them
    for (const name of Object.keys(query)) {
      const value = query[name]
      if (value === '') {
        delete query[name]
      } else if (Array.isArray(value)) {
        notes = (notes ?? new Map()).set(name, 'is given more than once; give it once')
        query[name] = REJECT
      } else if (integers.has(name) && typeof value === 'string' && !DECIMAL.test(value)) {
        notes = (notes ?? new Map()).set(name, 'must be a whole number written in decimal digits')
        query[name] = REJECT
      } else if (name === 'appid' && merchant.size > 0 && typeof value === 'string' && !merchant.has(value)) {
        notes = (notes ?? new Map()).set(name, 'is not one of this merchant\'s appids (WECHATPAY_APPIDS)')
        query[name] = REJECT
      }
    }
    if (notes !== undefined) request.queryNotes = notes
    done()
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    queryNotes?: Map<string, string>
  }
}
