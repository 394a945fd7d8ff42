import openapiTS, { astToString } from 'openapi-typescript'

const BANNER = '// Generated from openapi/openapi.json by `npm run openapi` with openapi-typescript: do not edit by hand\n' +
  '// (a test fails when they differ).\n\n'

/**
 * TypeScript types of the API (`paths`, `components`, `operations`) from the OpenAPI document, for
 * callers that use openapi-fetch. Kept beside the document as openapi/openapi.d.ts.
 */
export async function generateOpenApiTypes (document: string): Promise<string> {
  const ast = await openapiTS(JSON.parse(document) as Parameters<typeof openapiTS>[0], { silent: true })
  return BANNER + astToString(ast)
}
