/**
 * Builds clients/typescript (the `@wxpay-cards-bff/client` package) from the OpenAPI document: its
 * types are openapi/openapi.json's, generated as `npm run openapi` generates openapi/openapi.d.ts,
 * then its code is compiled against them into dist/. The package's `npm pack` runs this first.
 * Usage: npm run build (in clients/typescript)
 */
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { generateOpenApiTypes } from './openapi-types.js'

const root = new URL('../', import.meta.url)
const client = new URL('clients/typescript/', root)
const at = (path: string, base = client): string => fileURLToPath(new URL(path, base))

const types = await generateOpenApiTypes(readFileSync(at('openapi/openapi.json', root), 'utf8'))
writeFileSync(at('src/openapi.d.ts'), types)
rmSync(at('dist'), { recursive: true, force: true })
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
// Everything to stderr: `npm pack --json` writes its JSON to stdout, after this.
execFileSync(process.execPath, [tsc, '-p', at('tsconfig.json')], { stdio: ['ignore', 2, 2] })
// tsc emits no declaration file for a declaration file: the compiled code's imports need it beside them.
mkdirSync(at('dist'), { recursive: true })
copyFileSync(at('src/openapi.d.ts'), at('dist/openapi.d.ts'))
process.stderr.write(`built ${at('dist')}\n`)
