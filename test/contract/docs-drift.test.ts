import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { GENERATED_DOCS } from '../../scripts/docs/generated.js'
import { VARIABLE_NAMES } from '../../src/config/variables.js'
import { PROBLEM_NAMES, problemType } from '../../src/problems/registry.js'

const committed = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')

describe('files generated from the code\'s tables', () => {
  it.each(Object.keys(GENERATED_DOCS))('%s is what the tables generate (run `npm run docs` after changing them)', (path) => {
    expect(committed(path)).toBe(GENERATED_DOCS[path]?.())
  })

  it('docs/configuration.md and .env.example name every variable', () => {
    for (const name of VARIABLE_NAMES) {
      expect(committed('docs/configuration.md')).toContain(`| \`${name}\` |`)
      expect(committed('.env.example')).toMatch(new RegExp(`^${name}=`, 'm'))
    }
  })

  it('docs/problems.md explains every problem type', () => {
    for (const name of PROBLEM_NAMES) expect(committed('docs/problems.md')).toContain(`## ${name}\n\n\`${problemType(name)}\``)
  })
})
