/**
 * Breaking changes of the API for its callers: openapi/openapi.json against openapi/released.json (the
 * contract of the last release, replaced at each release), compared by Atlassian's openapi-diff.
 * openapi-diff compares paths, methods and bodies but not parameters, and takes a response that may
 * send fewer values as safe, so two checks of our own cover what docs/api.md's policy names besides:
 * a parameter removed, newly required or narrowed, and a problem `type` no longer sent. A breaking
 * change is allowed only when CHANGELOG.md's Unreleased section names it, so a release never breaks
 * callers unannounced. test/contract/openapi-breaking-changes.test.ts runs it in `npm test`.
 */
import openapiDiff from 'openapi-diff'
import { isDeepStrictEqual } from 'node:util'

export interface BreakingChange {
  /** openapi-diff's code, e.g. `path.remove`, `response.body.scope.add`. */
  code: string
  /** Where, for a person: `GET /cards`, or a path. */
  where: string
  /** How CHANGELOG.md's Unreleased section names it: a line of its "Breaking" list holds this. */
  entry: string
}

/**
 * openapi-diff reads OpenAPI 3.0 only. The document is 3.1 in the few ways @fastify/swagger writes
 * it: schema `examples` lists (3.0: one `example`), `const`, and the licence's SPDX `identifier`.
 * None of these is part of what callers may send or receive, so the translation changes no verdict.
 */
function asOpenApi30 (document: string): string {
  const translate = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(translate)
    if (node === null || typeof node !== 'object') return node
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(node)) {
      if (key === 'examples' && Array.isArray(value)) out.example = value[0]
      else if (key === 'const') out.enum = [value]
      else out[key] = translate(value)
    }
    return out
  }
  const translated = translate(JSON.parse(document)) as { openapi: string, info: { license?: { identifier?: string } } }
  translated.openapi = '3.0.3'
  delete translated.info.license?.identifier
  return JSON.stringify(translated)
}

/** `paths./cards.get.responses…` → `GET /cards`; `paths./cards/cache` → `/cards/cache`. */
function placeOf (location: string | undefined): string {
  const match = /^paths\.(\/[^.]*(?:\.[^.]*)*?)(?:\.(get|put|post|delete|options|head|patch|trace)(?:\.|$)|$)/.exec(location ?? '')
  if (match === null) return location ?? 'the document'
  return match[2] === undefined ? String(match[1]) : `${match[2].toUpperCase()} ${String(match[1])}`
}

const change = (code: string, where: string): BreakingChange => ({ code, where, entry: `\`${code}\` ${where}` })

export async function breakingChanges (released: string, current: string): Promise<BreakingChange[]> {
  const result = await openapiDiff.diffSpecs({
    sourceSpec: { content: asOpenApi30(released), location: 'openapi/released.json', format: 'openapi3' },
    destinationSpec: { content: asOpenApi30(current), location: 'openapi/openapi.json', format: 'openapi3' }
  })
  const found = result.breakingDifferencesFound
    ? result.breakingDifferences.map((difference) => {
      const details = difference.sourceSpecEntityDetails[0] ?? difference.destinationSpecEntityDetails[0]
      return change(difference.code, placeOf(details?.location))
    })
    : []
  const before = JSON.parse(released) as Document
  const after = JSON.parse(current) as Document
  return [...found, ...parameterChanges(before, after), ...problemTypeChanges(before, after)]
}

interface Parameter { name: string, in: string, required?: boolean, schema?: Record<string, unknown> }
interface Document {
  paths: Record<string, Record<string, { parameters?: Parameter[] }>>
  components?: { schemas?: { Problem?: { properties?: { type?: { enum?: string[] } } } } }
}

/** What callers may send: a parameter gone, newly required, or taking less than it did. */
function parameterChanges (before: Document, after: Document): BreakingChange[] {
  const changes: BreakingChange[] = []
  for (const [path, operations] of Object.entries(before.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const where = (parameter: Parameter): string => `${method.toUpperCase()} ${path} ${parameter.in} ${parameter.name}`
      const now = after.paths[path]?.[method]?.parameters ?? []
      for (const parameter of operation.parameters ?? []) {
        const counterpart = now.find((other) => other.name === parameter.name && other.in === parameter.in)
        if (counterpart === undefined) changes.push(change('parameter.remove', where(parameter)))
        else if (counterpart.required === true && parameter.required !== true) changes.push(change('parameter.required', where(parameter)))
        else if (narrowed(parameter.schema ?? {}, counterpart.schema ?? {})) changes.push(change('parameter.narrow', where(parameter)))
      }
      for (const parameter of now) {
        const isNew = !(operation.parameters ?? []).some((other) => other.name === parameter.name && other.in === parameter.in)
        if (isNew && parameter.required === true) changes.push(change('parameter.required', where(parameter)))
      }
    }
  }
  return changes
}

/** True unless every constraint is the same or wider: a bound moved out, more values of an enum. */
function narrowed (before: Record<string, unknown>, after: Record<string, unknown>): boolean {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)].filter((key) => key !== 'description' && key !== 'examples'))
  return [...keys].some((key) => {
    const [was, is] = [before[key], after[key]]
    if (isDeepStrictEqual(was, is) || is === undefined) return false
    const bounds = typeof was === 'number' && typeof is === 'number'
    if (key === 'maximum' || key === 'maxLength' || key === 'maxItems') return !bounds || is < was
    if (key === 'minimum' || key === 'minLength' || key === 'minItems') return !bounds || is > was
    if (key === 'enum') return !(Array.isArray(was) && Array.isArray(is) && was.every((value) => is.includes(value)))
    return true
  })
}

/** A problem `type` callers may handle that the service no longer sends. */
function problemTypeChanges (before: Document, after: Document): BreakingChange[] {
  const sent = new Set(after.components?.schemas?.Problem?.properties?.type?.enum ?? [])
  return (before.components?.schemas?.Problem?.properties?.type?.enum ?? [])
    .filter((type) => !sent.has(type)).map((type) => change('problem-type.remove', type))
}

/** The text of CHANGELOG.md's `## [Unreleased]` section, up to the next release's heading. */
export function unreleasedSection (changelog: string): string {
  const start = changelog.search(/^## \[Unreleased\]/m)
  if (start === -1) return ''
  const section = changelog.slice(start)
  const end = section.slice(1).search(/^## /m)
  return end === -1 ? section : section.slice(0, end + 1)
}

/** The breaking changes the Unreleased section does not name. */
export function unannounced (changes: BreakingChange[], changelog: string): BreakingChange[] {
  const section = unreleasedSection(changelog)
  return changes.filter((change) => !section.includes(change.entry))
}
