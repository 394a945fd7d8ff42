import openapiTS, { astToString } from 'openapi-typescript'

const BANNER = '// Generated from openapi/openapi.json by `npm run openapi` with openapi-typescript: do not edit by hand\n' +
  '// (a test fails when they differ).\n\n'

/**
 * TypeScript types of the API (`paths`, `components`, `operations`) from the OpenAPI document, for
 * callers that use openapi-fetch. Kept beside the document as openapi/openapi.d.ts.
 */
export async function generateOpenApiTypes (document: string): Promise<string> {
  const ast = await openapiTS(closed(JSON.parse(document)) as Parameters<typeof openapiTS>[0], { silent: true })
  return BANNER + astToString(ast)
}

/**
 * The document without `additionalProperties: true`. The contract keeps it (WeChat Pay adds fields,
 * and they reach callers), but in TypeScript it becomes an index signature, under which a misspelt
 * `page.totalCount` compiles as `unknown`. Without it, only declared fields read; an answer with
 * more still fits the type, as TypeScript's object types are open.
 */
function closed (node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed)
  if (node === null || typeof node !== 'object') return node
  return Object.fromEntries(Object.entries(node)
    .filter(([key, value]) => !(key === 'additionalProperties' && value === true))
    .map(([key, value]) => [key, closed(value)]))
}
