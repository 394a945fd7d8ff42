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

  it('src/problems stands alone, and src/config reads no part of the running service', () => {
    expect([...importedFolders('problems')].filter((folder) => folder !== 'problems')).toEqual([])
    const runtime = ['cache', 'redis', 'routes', 'plugins', 'http', 'budget', 'sandbox']
    expect([...importedFolders('config')].filter((folder) => runtime.includes(folder))).toEqual([])
  })
})
