/**
 * The service as it was at another commit, built beside this one, so one bench run can measure
 * a change before and after on the same machine, in the same minutes (BENCH_BEFORE=<git ref>).
 * The commit's tree is exported with `git archive` (no checkout is touched), given this checkout's
 * node_modules, and bundled with its own build script.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, symlinkSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** Builds `ref` under `dir` and returns its production entry (dist/server.js). */
export function buildBefore (ref: string, dir: string): string {
  mkdirSync(dir, { recursive: true })
  const commit = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { encoding: 'utf8' }).trim()
  const archive = execFileSync('git', ['archive', '--format=tar', commit], { maxBuffer: 256 * 1024 * 1024 })
  execFileSync('tar', ['-x', '-C', dir], { input: archive })
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'), 'dir')
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts', 'dist'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] })
  return join(dir, 'dist', 'server.js')
}

/**
 * The other build's Redis: the same server, database 1. Each build then measures its own cache: two builds
 * sharing pages would measure each other's writes, or, where their frame layouts differ, refetch each other's pages.
 */
export function otherBuildRedisUrl (redisUrl: string): string {
  const url = new URL(redisUrl)
  url.pathname = '/1'
  return url.toString()
}

/** A short name for the report: the ref as given and its abbreviated commit. */
export function describeRef (ref: string): string {
  const short = execFileSync('git', ['rev-parse', '--short', `${ref}^{commit}`], { encoding: 'utf8' }).trim()
  return short === ref ? short : `${ref} (${short})`
}
