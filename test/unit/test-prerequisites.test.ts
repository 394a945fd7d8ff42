import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

// Keeps npm test's prerequisite check in step with the tests: every command a test runs by name
// must be in the table of scripts/test-prerequisites.sh, which installs or names what is missing.

const root = new URL('../../', import.meta.url)
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8')

/** The first column of the script's table (command, Debian package, why). */
function tableCommands (): string[] {
  const table = /^requirements='\n([^']*)'$/m.exec(read('scripts/test-prerequisites.sh'))?.[1]
  if (table === undefined) throw new Error('no requirements table in scripts/test-prerequisites.sh')
  return table.split('\n').filter((line) => line.trim() !== '').map((line) => line.trim().split(/\s+/)[0] as string)
}

/** Commands the tests start by name: `spawn('redis-server'`, `execFileSync('openssl'`, a `run('openssl'` helper... */
function commandsTestsRun (): string[] {
  const commands = new Set<string>()
  const pattern = /\b(?:spawn|spawnSync|execFile|execFileSync|execFileAsync|run)\(\s*['"`]([a-z][\w.-]*)['"`]/g
  const files = readdirSync(new URL('test/', root), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'))
  for (const file of files) {
    for (const match of read(`test/${file}`).matchAll(pattern)) commands.add(match[1] as string)
  }
  return [...commands].sort()
}

describe('test prerequisites (npm test\'s pretest)', () => {
  it('runs before npm test', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> }
    expect(pkg.scripts.pretest).toBe('bash scripts/test-prerequisites.sh')
  })

  it('checks every command the tests run, and chromium for the browser test', () => {
    const checked = tableCommands()
    expect(commandsTestsRun()).toEqual(expect.arrayContaining(['openssl', 'redis-cli', 'redis-server']))
    for (const command of [...commandsTestsRun(), 'chromium']) expect(checked, `${command} is not in the table`).toContain(command)
  })
})
