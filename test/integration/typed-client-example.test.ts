import { dirname } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/config.js'
import { TEST_ENV } from '../helpers/app.js'
import { cardsClient, fetchCardsPage, type PageOutcome } from '../../docs/examples/cards-client.js'

// The example in docs/examples/cards-client.ts, as a caller would use it: compiled against the
// committed openapi/openapi.d.ts, then run against the service in sandbox mode.

const EXAMPLE = fileURLToPath(new URL('../../docs/examples/cards-client.ts', import.meta.url))
const APPID = 'wxea9c30890f48d5ae'

let app: FastifyInstance
let url: string

beforeAll(async () => {
  // One WeChat Pay call a second: a few pages asked for at once make the budget answer 503 with Retry-After.
  app = await buildApp(loadConfig({ ...TEST_ENV, LOG_LEVEL: 'silent', UPSTREAM_MAX_RPS: '1' }))
  url = await app.listen({ host: '127.0.0.1', port: 0 })
})
afterAll(async () => { await app?.close() })

describe('docs/examples/cards-client.ts', () => {
  it('type-checks under the repository\'s compiler options, against openapi/openapi.d.ts', () => {
    const configFile = fileURLToPath(new URL('../../tsconfig.json', import.meta.url))
    const { config } = ts.readConfigFile(configFile, (path) => ts.sys.readFile(path)) as { config: unknown }
    const { options } = ts.parseJsonConfigFileContent(config, ts.sys, dirname(configFile))
    const program = ts.createProgram([EXAMPLE], { ...options, noEmit: true })
    const errors = ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))
    expect(errors).toEqual([])
    const types = fileURLToPath(new URL('../../openapi/openapi.d.ts', import.meta.url))
    expect(program.getSourceFiles().map((file) => file.fileName)).toContain(types)
  }, 60_000)

  it('reads a page of cards, with the X-Request-Id and Cache-Status', async () => {
    const outcome = await fetchCardsPage(cardsClient(url), { appid: APPID, offset: 0, limit: 5 })
    if (!outcome.ok) throw new Error(`expected a page, got ${JSON.stringify(outcome)}`)
    expect(outcome.page.data).toHaveLength(5)
    expect(outcome.page.total_count).toBe(23)
    expect(outcome.page.data[0]?.appid).toBe(APPID)
    expect(outcome.requestId).toEqual(expect.any(String))
    expect(outcome.cacheStatus).toMatch(/^wxpay-cards-bff; /)
  })

  it('hands back a problem with advice chosen by its type, without retrying it', async () => {
    const waits: number[] = []
    const outcome = await fetchCardsPage(cardsClient(url), { appid: 'wx-1', offset: 0, limit: 5 }, {
      sleep: async (ms) => { waits.push(ms) }
    })
    if (outcome.ok) throw new Error('expected a problem')
    expect(outcome.problem).toMatchObject({ type: '/problems/invalid-request', status: 400 })
    expect(outcome.advice).toMatch(/^Fix the query: appid /)
    expect(waits).toEqual([])
  })

  it('waits as long as Retry-After says, then tries again', async () => {
    const waits: number[] = []
    const options = { sleep: async (ms: number) => { waits.push(ms); await sleep(ms) } }
    const client = cardsClient(url)
    // Pages nobody asked for yet, all at once: the budget lets one through a second, the rest get a 503.
    const outcomes: PageOutcome[] = await Promise.all([1, 2, 3, 4].map(async (offset) =>
      await fetchCardsPage(client, { appid: APPID, offset, limit: 5 }, options)))
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, true, true])
    expect(waits.length).toBeGreaterThan(0)
    // Whole seconds, as the service's Retry-After gives them.
    for (const ms of waits) expect(ms % 1000 === 0 && ms >= 1000).toBe(true)
  }, 30_000)

  it('does not wait longer than maxWaitSeconds: the problem comes back at once', async () => {
    const waits: number[] = []
    const client = cardsClient(url)
    const outcomes = await Promise.all([10, 11, 12].map(async (offset) => await fetchCardsPage(client, { appid: APPID, offset, limit: 1 }, {
      maxWaitSeconds: 0, sleep: async (ms) => { waits.push(ms) }
    })))
    const refused = outcomes.filter((outcome) => !outcome.ok)
    expect(refused.length).toBeGreaterThan(0)
    for (const outcome of refused) {
      expect(outcome.problem.type).toBe('/problems/upstream-budget-exhausted')
      expect(outcome.advice).toBe('Too busy for now: try again later.')
    }
    expect(waits).toEqual([])
  }, 30_000)
})
