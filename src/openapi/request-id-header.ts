/**
 * Every answer carries X-Request-Id (request-lifecycle.ts). Declared once under
 * `components.headers` and referred to from every response, so generated clients and Swagger UI
 * show it wherever it is sent, without each route schema having to repeat it.
 */
export const REQUEST_ID_HEADER = 'X-Request-Id'

const HEADER_OBJECT = {
  description: 'This request\'s id: the one you sent in X-Request-Id when it was well formed, else a new UUID. ' +
    'Every log line of the request and the problem\'s `instance` carry it.',
  required: true,
  schema: { type: 'string' }
}

interface OpenApiLike {
  paths?: Record<string, Record<string, { responses?: Record<string, { headers?: Record<string, unknown> }> } | undefined> | undefined>
  components?: { headers?: Record<string, unknown> }
}

/** The document with X-Request-Id in `components.headers` and in every response of every operation. */
export function withRequestIdHeader<Document extends object> (document: Document): Document {
  const openapi = document as OpenApiLike
  const reference = { $ref: `#/components/headers/${REQUEST_ID_HEADER}` }
  for (const operations of Object.values(openapi.paths ?? {})) {
    for (const operation of Object.values(operations ?? {})) {
      // A path item also holds `parameters` and texts; only operations have responses.
      for (const response of Object.values(operation?.responses ?? {})) {
        response.headers = { [REQUEST_ID_HEADER]: reference, ...response.headers }
      }
    }
  }
  openapi.components = { ...openapi.components, headers: { ...openapi.components?.headers, [REQUEST_ID_HEADER]: HEADER_OBJECT } }
  return document
}
