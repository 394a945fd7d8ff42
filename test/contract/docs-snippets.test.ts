import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { afterAll, describe, expect, it } from 'vitest'

// Every ```ts snippet of docs/ and the README, compiled as a reader would paste it: an ES module of
// its own (the repository's "type": "module"), strict, module nodenext, beside openapi/openapi.d.ts.
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const DOCS = [
  join(ROOT, 'README.md'),
  ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => join(ROOT, 'docs', name))
]
const SNIPPET = /```(?:ts|typescript)\n([\s\S]*?)```/g

const snippets = DOCS.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(SNIPPET)]
  .map((match, index) => ({ name: `${file.slice(ROOT.length)} #${index + 1}`, code: match[1] ?? '' })))

const dir = mkdtempSync(join(ROOT, '.snippets-'))
copyFileSync(join(ROOT, 'openapi', 'openapi.d.ts'), join(dir, 'openapi.d.ts'))
afterAll(() => { rmSync(dir, { recursive: true, force: true }) })

function compile (name: string, code: string): string[] {
  const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.ts`)
  writeFileSync(file, code)
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: ['node']
  })
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))
}

describe('TypeScript snippets in the docs', () => {
  it('are there: docs/api.md has one', () => {
    expect(snippets.map((snippet) => snippet.name)).toContain('docs/api.md #1')
  })

  it.each(snippets)('$name compiles, strict, as an ES module', ({ name, code }) => {
    expect(compile(name, code)).toEqual([])
  }, 60_000)
})
