/**
 * Which methods the registered routes take on a path, from the routes as Fastify registers them
 * (its onRoute hook): what a CORS preflight may allow. Patterns are Fastify's, in the forms this
 * service uses: `:name` is one path segment, `*` the rest of the path.
 */
export class RouteMethods {
  readonly #routes: Array<{ pattern: RegExp, method: string }> = []

  add (methods: string | string[], url: string): void {
    const pattern = new RegExp(`^${url.split(/(:[^/]+|\*)/).map(toSource).join('')}$`)
    for (const method of [methods].flat()) this.#routes.push({ pattern, method })
  }

  /** The methods of every route whose pattern matches `path`, each once, in the order they were registered. */
  methodsOf (path: string): string[] {
    return [...new Set(this.#routes.filter((route) => route.pattern.test(path)).map((route) => route.method))]
  }
}

function toSource (part: string): string {
  if (part === '*') return '.*'
  if (part.startsWith(':')) return '[^/]+'
  return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
