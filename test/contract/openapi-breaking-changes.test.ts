import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { breakingChanges, unannounced, unreleasedSection } from '../../scripts/openapi-compat.js'

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')
const CURRENT = read('openapi/openapi.json')
const RELEASED = read('openapi/released.json')
const CHANGELOG = read('CHANGELOG.md')

/** The current document, changed by `edit`. */
function edited (edit: (document: any) => void): string {
  const document = JSON.parse(CURRENT) as unknown
  edit(document)
  return JSON.stringify(document)
}
const parameter = (document: any, name: string): any => document.paths['/cards'].get.parameters.find((p: any) => p.name === name)

describe('the OpenAPI contract against the last release (openapi/released.json)', () => {
  it('breaks nothing that CHANGELOG.md\'s Unreleased section does not name', async () => {
    const missing = unannounced(await breakingChanges(RELEASED, CURRENT), CHANGELOG)
    // Each line is what to add to the Unreleased section, with what the change means for callers.
    expect(missing.map((change) => `- ${change.entry}: …`)).toEqual([])
  }, 30_000)

  it('is the contract of the newest version CHANGELOG.md records', () => {
    const version = (JSON.parse(RELEASED) as { info: { version: string } }).info.version
    const newest = /^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$/m.exec(CHANGELOG)?.[1]
    expect(newest).toBe(version)
    expect(unreleasedSection(CHANGELOG)).toMatch(/^## \[Unreleased\]/)
  })
})

describe('the breaking-change check', () => {
  it.each([
    ['a route removed', (d: any) => { delete d.paths['/cards/cache'] }, '`path.remove` /cards/cache'],
    ['a method removed', (d: any) => { delete d.paths['/cards/all'].get }, '`method.remove` GET /cards/all'],
    ['a response field removed', (d: any) => { d.components.schemas.CardsPage.required = ['data'] },
      '`response.body.scope.add` GET /cards'],
    ['a parameter narrowed', (d: any) => { parameter(d, 'limit').schema.maximum = 10 }, '`parameter.narrow` GET /cards query limit'],
    ['a parameter made required', (d: any) => { parameter(d, 'brand_id').required = true },
      '`parameter.required` GET /cards query brand_id'],
    ['a parameter removed', (d: any) => {
      d.paths['/cards'].get.parameters = d.paths['/cards'].get.parameters.filter((p: any) => p.name !== 'brand_id')
    }, '`parameter.remove` GET /cards query brand_id'],
    ['a problem type renamed', (d: any) => {
      const type = d.components.schemas.Problem.properties.type
      type.enum = type.enum.map((name: string) => name === '/problems/invalid-request' ? '/problems/bad-request' : name)
    }, '`problem-type.remove` /problems/invalid-request']
  ])('finds %s, and lets it pass once the Unreleased section names it', async (_what, edit, entry) => {
    const changes = await breakingChanges(CURRENT, edited(edit))
    expect(changes.map((change) => change.entry)).toContain(entry)
    expect(unannounced(changes, CHANGELOG).map((change) => change.entry)).toContain(entry)
    const announced = CHANGELOG.replace('## [Unreleased]\n', `## [Unreleased]\n\n### Removed\n\n- ${entry}: callers must …\n`)
    expect(unannounced(changes, announced).map((change) => change.entry)).not.toContain(entry)
    // Named under a released version, it does not count: the announcement must come before the release.
    const tooLate = CHANGELOG.replace('## [0.1.0]', `## [0.1.0]\n\n- ${entry}\n`)
    expect(unannounced(changes, tooLate).map((change) => change.entry)).toContain(entry)
  }, 30_000)

  it('lets widenings through: an optional parameter, a wider bound, a new problem type, a new route', async () => {
    const wider = edited((d: any) => {
      parameter(d, 'offset').schema.maximum = 9_999_999_999
      d.paths['/cards'].get.parameters.push({ name: 'lang', in: 'query', required: false, schema: { type: 'string' } })
      d.components.schemas.Problem.properties.type.enum.push('/problems/something-new')
      d.paths['/cards/count'] = { get: { responses: { 200: { description: 'ok' } } } }
    })
    expect(await breakingChanges(CURRENT, wider)).toEqual([])
  }, 30_000)
})
