import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { afterAll, describe, expect, it } from 'vitest'
import { PROBLEM_NAMES, problemType } from '../../src/problems/registry.js'

// What a caller's code meets in openapi/openapi.d.ts: compiled with the caller's strictness, so a
// misspelt field or an unknown problem type is a compile error, not an `unknown` or a `string`.
const TYPES = fileURLToPath(new URL('../../openapi/openapi.js', import.meta.url))
const dir = mkdtempSync(join(fileURLToPath(new URL('../..', import.meta.url)), '.types-check-'))
afterAll(() => { rmSync(dir, { recursive: true, force: true }) })

/** The compiler's messages for `code`, a module that imports the generated types as `api`. */
function errorsOf (code: string): string[] {
  const file = join(dir, `check-${Math.random().toString(36).slice(2)}.ts`)
  writeFileSync(file, `import type * as api from ${JSON.stringify(TYPES)}\n${code}\n`)
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022
  })
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))
}

const PAGE = 'api.components["schemas"]["CardsPage"]'
const PROBLEM = 'api.components["schemas"]["Problem"]'

describe('the generated types (openapi/openapi.d.ts)', () => {
  it('make a page\'s total_count, offset and limit required numbers, and its cards\' fields optional', () => {
    expect(errorsOf(`export const f = (page: ${PAGE}): number => page.total_count + page.offset + page.limit + page.data.length
export const g = (page: ${PAGE}): string | undefined => page.data[0]?.title`)).toEqual([])
    expect(errorsOf(`export const page: ${PAGE} = { data: [], offset: 0, limit: 20 }`).join('\n')).toMatch(/total_count/)
  })

  it('refuse a field the contract does not declare, such as totalCount', () => {
    const errors = errorsOf(`export const f = (page: ${PAGE}): unknown => page.totalCount`)
    expect(errors.join('\n')).toMatch(/Property 'totalCount' does not exist/)
  })

  it('still take an answer with fields WeChat Pay added later', () => {
    expect(errorsOf(`const sent = { data: [{ card_id: 'p1', new_field: 1 }], total_count: 1, offset: 0, limit: 20, added_later: true }
export const page: ${PAGE} = sent`)).toEqual([])
  })

  it('make a problem\'s type the union of the registry\'s types, and its detail and instance required', () => {
    const every = [...PROBLEM_NAMES.map(problemType), 'about:blank']
    expect(errorsOf(`export const types: Array<${PROBLEM}['type']> = ${JSON.stringify(every)}
export const f = (problem: ${PROBLEM}): string => problem.detail + problem.instance + problem.title + String(problem.status)`)).toEqual([])
    expect(errorsOf(`export const f = (problem: ${PROBLEM}): boolean => problem.type === '/problems/no-such-problem'`).join('\n'))
      .toMatch(/no overlap/)
  })
})
