/**
 * The service as the production image runs it: the memory settings the Dockerfile's final stage
 * declares (jemalloc preloaded and configured, NODE_OPTIONS), applied to the service processes the bench starts,
 * so that RSS and CPU are measured as deployed. The Dockerfile stays the one place they are set.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

export interface ImageRuntime {
  env: Record<string, string>
  /** What was applied, or why not, for the report. */
  description: string
}

/** The value of `name` in the final stage's ENV instructions (`ENV A=x \ B=y` form). */
export function finalStageEnv (dockerfile: string, name: string): string | undefined {
  const instructions = dockerfile.split('\n').filter((line) => !/^\s*#/.test(line)).join('\n')
    .replace(/\\\n/g, ' ').split('\n').map((line) => line.trim())
  const finalStage = instructions.slice(instructions.findLastIndex((line) => /^FROM\s/i.test(line)))
  const assignment = new RegExp(`(?:^|\\s)${name}=("[^"]*"|\\S+)`)
  const value = finalStage.filter((line) => /^ENV\s/i.test(line)).map((line) => assignment.exec(line)?.[1]).findLast((v) => v !== undefined)
  return value?.replace(/^"|"$/g, '')
}

export function imageRuntime (dockerfilePath = 'Dockerfile'): ImageRuntime {
  const dockerfile = readFileSync(dockerfilePath, 'utf8')
  const env: Record<string, string> = {}
  const notes: string[] = []
  for (const name of ['NODE_OPTIONS', 'MALLOC_CONF']) {
    const value = finalStageEnv(dockerfile, name)
    if (value === undefined) continue
    env[name] = value
    notes.push(`${name}=${value}`)
  }
  if (finalStageEnv(dockerfile, 'LD_PRELOAD')?.includes('jemalloc') === true) {
    // The image links it to a path of its own; here, wherever the host's loader knows it.
    const jemalloc = /\s=>\s(\S*libjemalloc\.so\.2)$/m.exec(spawnSync('ldconfig', ['-p'], { encoding: 'utf8' }).stdout ?? '')?.[1]
    if (jemalloc === undefined) notes.push('jemalloc NOT preloaded: libjemalloc.so.2 is not installed here (apt-get install libjemalloc2)')
    else {
      env.LD_PRELOAD = jemalloc
      notes.push(`LD_PRELOAD=${jemalloc}`)
    }
  }
  return { env, description: notes.length === 0 ? 'no memory settings in the image' : notes.join(', ') }
}
