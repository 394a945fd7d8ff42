import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

// The protocol layer stays a set of plain modules: it declares what it needs from storage (the
// upstream budget, certificate sharing) and src/redis/ implements it, so it never imports the
// cache, Redis, routes or plugins. The cache may use the protocol's types, never the other way.
const src = new URL('../../src/', import.meta.url)

/** Every top-level folder of src/ that a folder's files import from, by relative path. */
function importedFolders (folder: string): Set<string> {
  const found = new Set<string>()
  for (const file of readdirSync(new URL(`${folder}/`, src), { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue
    const path = new URL(`${folder}/${file}`, src)
    for (const match of readFileSync(path, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      const target = new URL(match[1] as string, path).pathname.slice(src.pathname.length)
      found.add(target.includes('/') ? (target.split('/')[0] as string) : target)
    }
  }
  return found
}

describe('module boundaries', () => {
  it('src/wechatpay imports nothing from cache, redis, routes or plugins', () => {
    const imported = importedFolders('wechatpay')
    expect(imported.has('wechatpay')).toBe(true) // the scan sees the folder's own imports
    expect([...imported].filter((folder) => ['cache', 'redis', 'routes', 'plugins'].includes(folder))).toEqual([])
  })

  it('src/cache does not import Redis, routes or plugins, and the protocol layer never imports the cache', () => {
    expect([...importedFolders('cache')].filter((folder) => ['redis', 'routes', 'plugins'].includes(folder))).toEqual([])
    expect(importedFolders('wechatpay').has('cache')).toBe(false)
  })

  it('only src/tracing/ imports OpenTelemetry, and the rest imports it for types only: untraced, none of it loads', () => {
    const offenders: string[] = []
    for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || file.startsWith('tracing/')) continue
      for (const line of readFileSync(new URL(file, src), 'utf8').split('\n')) {
        if (/from '(@opentelemetry\/|@fastify\/otel)/.test(line)) offenders.push(`${file}: ${line}`)
        if (/^import (?!type )[^']*from '\.[^']*\/tracing\//.test(line)) offenders.push(`${file}: ${line}`)
      }
    }
    expect(offenders).toEqual([])
    // The one way in: server.ts loads it when an endpoint is set.
    expect(readFileSync(new URL('server.ts', src), 'utf8')).toMatch(/await import\('\.\/tracing\/start-tracing\.js'\)/)
  })

  it('src/problems stands alone but for the endpoints\' table of problems, and src/config reads no part of the running service', () => {
    expect([...importedFolders('problems')].filter((folder) => folder !== 'problems')).toEqual(['wechatpay'])
    const imports = (file: string): string[] =>
      [...readFileSync(new URL(file, src), 'utf8').matchAll(/from '(\.[^']+)'/g)].map((match) => match[1] as string)
    expect(imports('problems/registry.ts').filter((path) => !path.startsWith('./'))).toEqual(['../wechatpay/endpoints/problems.js'])
    // That table and each endpoint's own problems are data: they import nothing but the registry's types.
    for (const file of readdirSync(new URL('wechatpay/endpoints/', src)).filter((name) => name.endsWith('problems.ts'))) {
      expect(imports(`wechatpay/endpoints/${file}`).every((path) => /problem-definition\.js$|-problems\.js$/.test(path)), file).toBe(true)
    }
    // Nor the protocol code: the protocol facts settings follow from are declared in config/variables.
    const runtime = ['cache', 'redis', 'routes', 'plugins', 'http', 'budget', 'sandbox', 'wechatpay', 'cards', 'tracing', 'metrics']
    expect([...importedFolders('config')].filter((folder) => runtime.includes(folder))).toEqual([])
  })

  it('makes a prepaid upstream turn only where the fleet lock\'s script takes one, in src/redis/', () => {
    const makers = [...importGraph().keys()].filter((file) => file !== 'budget/prepaid-turn.ts' &&
      readFileSync(new URL(file, src), 'utf8').includes('prepaidTurn('))
    expect(makers).toEqual(['redis/fleet-lock.ts'])
  })

  it('has no import cycle between files of src/', () => {
    const graph = importGraph()
    const cycles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' → '))
        return
      }
      state.set(file, 'open')
      for (const next of graph.get(file) ?? []) visit(next, [...path, file])
      state.set(file, 'done')
    }
    for (const file of graph.keys()) visit(file, [])
    expect(cycles).toEqual([])
  })

  it('keeps copies of libraries\' internals in src/internals/, which imports no other part of src/', () => {
    expect([...importedFolders('internals')].filter((folder) => folder !== 'internals')).toEqual([])
    // Fastify's compilers, a metric registered by hand, a prototype patched: each relies on what a library does not promise.
    const internal = /from '@fastify\/(ajv-compiler|fast-json-stringify-compiler)'|\.registerMetric\(|\.prototype\[/
    const outside = [...importGraph().keys()]
      .filter((file) => !file.startsWith('internals/') && internal.test(readFileSync(new URL(file, src), 'utf8')))
    expect(outside).toEqual([])
  })

  it('keeps arrows pointing down: http and routes never reach into plugins or Redis; only server.ts builds the app', () => {
    expect([...importedFolders('http')].filter((folder) => ['plugins', 'routes', 'redis'].includes(folder))).toEqual([])
    expect([...importedFolders('routes')].filter((folder) => ['plugins', 'redis'].includes(folder))).toEqual([])
    const buildsApp = [...importGraph()].filter(([, imports]) => imports.includes('app.ts')).map(([file]) => file)
    expect(buildsApp).toEqual(['server.ts'])
  })
})

/** Every .ts file of src/ (relative to it) and the src/ files it imports, runtime or type-only. */
function importGraph (): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue
    const path = new URL(file, src)
    const imports = [...readFileSync(path, 'utf8').matchAll(/(?:from |import\()'(\.[^']+)'/g)]
      .map((match) => new URL(match[1] as string, path).pathname.slice(src.pathname.length).replace(/\.js$/, '.ts'))
    graph.set(file, imports)
  }
  return graph
}
