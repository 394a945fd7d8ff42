/**
 * npm run build: bundles src/server.ts into dist/ with esbuild. One file (plus a chunk for each part
 * loaded only on demand: sandbox, tracing) instead of ~800 modules spread over node_modules is most
 * of what makes start-up fast: resolving, reading and compiling each file was about half of it.
 * Type checking is `npm run typecheck`'s job (and the Dockerfile's build stage runs it).
 * Usage: tsx scripts/build.ts [outdir]   (default dist; the directory is emptied first)
 */
import { realpathSync, rmSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'

/**
 * Left to node_modules, resolved at run time:
 * - ioredis: tracing instruments it by patching the very module the app loads;
 * - @fastify/swagger-ui: it serves Swagger UI's files from its own directory;
 * - OpenTelemetry: loaded only when tracing is on, and its instrumentations hook `require`;
 * - pino-pretty: a development dependency, looked up when present (the installed pino, not the
 *   bundled one, starts its worker: see withTransportStarted in src/logger.ts).
 */
export const EXTERNAL = ['ioredis', '@fastify/swagger-ui', '@opentelemetry/*', '@fastify/otel', 'pino-pretty']

export async function bundle (outdir: string): Promise<void> {
  rmSync(outdir, { recursive: true, force: true })
  await build({
    entryPoints: ['src/server.ts'],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    external: EXTERNAL,
    // Bundled CommonJS packages call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: 'warning',
    // Whitespace and syntax only: a third smaller, so less source held in memory and less to parse,
    // while every function keeps its name in stack traces. NODE_OPTIONS=--enable-source-maps maps
    // positions back to src/ through the linked maps.
    minifyWhitespace: true,
    minifySyntax: true
  })
}

// Run as a script (not imported by a test): argv[1] is a path, import.meta.url its percent-encoded URL.
const entry = process.argv[1]
if (entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href) await bundle(process.argv[2] ?? 'dist')
