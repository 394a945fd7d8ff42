/**
 * Writes openapi/openapi.json from the route schemas. The file is committed so reviewers see API
 * changes in diffs; test/contract/openapi-drift.test.ts fails when it is stale.
 * Usage: npm run openapi
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { buildOpenApiDocument } from '../src/openapi/document.js'

const target = new URL('../openapi/openapi.json', import.meta.url)
mkdirSync(new URL('.', target), { recursive: true })
writeFileSync(target, await buildOpenApiDocument())
process.stdout.write(`wrote ${target.pathname}\n`)
