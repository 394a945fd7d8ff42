import { SANDBOX_FAULT_NAMES } from '../sandbox/requested-faults.js'

const PARAMETER = {
  name: 'X-Sandbox-Fault',
  in: 'header',
  required: false,
  description: 'Sandbox mode only (ignored otherwise): the WeChat Pay failure the simulator answers this call with, ' +
    'to see the problem production sends for it. Ask for a page not cached yet: a cached page needs no call. ' +
    'docs/api.md lists the problem each one gives.',
  schema: { type: 'string', enum: SANDBOX_FAULT_NAMES }
}

interface OpenApiLike {
  paths?: Record<string, Record<string, { tags?: string[], parameters?: unknown[] } | undefined> | undefined>
}

/**
 * X-Sandbox-Fault on the operations that call WeChat Pay (GET on the `cards` tag), so Swagger UI
 * offers it as a list to choose from. The one document serves both modes, so it says which it is for.
 */
export function withSandboxFaultParameter<Document extends object> (document: Document): Document {
  for (const operations of Object.values((document as OpenApiLike).paths ?? {})) {
    const get = operations?.get
    if (get?.tags?.includes('cards') === true) get.parameters = [...(get.parameters ?? []), PARAMETER]
  }
  return document
}
