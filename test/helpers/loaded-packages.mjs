import { createRequire } from 'node:module'

/**
 * Preloaded into a service process (NODE_OPTIONS=--import) to tell which tracing packages it
 * loaded: as it exits it writes one line, `LOADED_PACKAGES ["@opentelemetry/api", …]`, to stderr.
 * Those packages are CommonJS, so every one loaded, by import or require, is in the require cache.
 * Plain JavaScript: NODE_OPTIONS preloads come before the entry's `--import tsx`.
 */
const cache = createRequire(import.meta.url).cache
process.once('exit', () => {
  const packages = new Set()
  for (const path of Object.keys(cache)) {
    const name = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1]
    if (name !== undefined && (name.startsWith('@opentelemetry/') || name === '@fastify/otel')) packages.add(name)
  }
  process.stderr.write(`LOADED_PACKAGES ${JSON.stringify([...packages].sort())}\n`)
})
