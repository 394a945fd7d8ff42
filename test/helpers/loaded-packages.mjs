import { createRequire } from 'node:module'

/**
 * Preloaded into a service process (NODE_OPTIONS=--import, or the entry's --import) to tell which
 * packages it loaded from node_modules: it writes one line, `LOADED_PACKAGES ["ioredis", …]`, to
 * stderr as it exits and whenever it gets SIGWINCH (a signal nothing else in the process
 * listens to: close-with-grace takes SIGUSR2). Every CommonJS module loaded, by import or
 * require, is in the require cache. Plain JavaScript: preloads come before the entry's `--import tsx`.
 */
const cache = createRequire(import.meta.url).cache
function report () {
  const packages = new Set()
  for (const path of Object.keys(cache)) {
    const name = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1]
    if (name !== undefined) packages.add(name)
  }
  process.stderr.write(`LOADED_PACKAGES ${JSON.stringify([...packages].sort())}\n`)
}
process.once('exit', report)
process.on('SIGWINCH', report)
