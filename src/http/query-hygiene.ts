import type { preValidationHookHandler } from 'fastify'

interface ObjectSchema { properties: Record<string, { type?: unknown }> }

// An array fails every scalar type check, so the field is still reported by the validator,
// with the clearer reason noted here.
const REJECT: unknown[] = []
const DECIMAL = /^\d{1,15}$/

/** WECHATPAY_APPIDS, for the routes that take an appid; empty: any. */
export interface MerchantAppids { appids: readonly string[] }

/**
 * Runs before schema validation, where ajv would otherwise be lenient in ways a caller would not
 * expect: `limit=` would become 0, `offset=0x10` 16, `offset=1e3` 1000, and `limit=1&limit=2`
 * would only say "must be integer". Empty parameters are dropped (then missing, or absent if
 * optional); repeated parameters and non-decimal integers are refused with their own reason, and so
 * is an appid that is not the merchant's when WECHATPAY_APPIDS lists them: one 400 names every bad
 * parameter, and none of them costs a call to WeChat Pay.
 */
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
    /** Reasons found before validation, which replace the validator's terser ones. */
    queryNotes?: Map<string, string>
  }
}
