/**
 * Writes openapi/openapi.json from the route schemas, and openapi/openapi.d.ts, the TypeScript types
 * openapi-fetch callers use, from that document. Both are committed so reviewers see API changes in
 * diffs; test/contract/openapi-drift.test.ts fails when either is stale.
 * Usage: npm run openapi
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { buildOpenApiDocument } from './openapi-document.js'
import { generateOpenApiTypes } from './openapi-types.js'

const document = new URL('../openapi/openapi.json', import.meta.url)
const types = new URL('../openapi/openapi.d.ts', import.meta.url)
mkdirSync(new URL('.', document), { recursive: true })
const json = await buildOpenApiDocument()
writeFileSync(document, json)
writeFileSync(types, await generateOpenApiTypes(json))
process.stdout.write(`wrote ${document.pathname} and ${types.pathname}\n`)
