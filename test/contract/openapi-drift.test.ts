import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/config.js'
import { TEST_ENV } from '../helpers/app.js'
import { buildOpenApiDocument } from '../../scripts/openapi-document.js'
import { generateOpenApiTypes } from '../../scripts/openapi-types.js'

const committed = readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')
const committedTypes = readFileSync(new URL('../../openapi/openapi.d.ts', import.meta.url), 'utf8')
let app: FastifyInstance

beforeAll(async () => { app = await buildApp(loadConfig({ ...TEST_ENV, LOG_LEVEL: 'silent' })) })
afterAll(async () => { await app.close() })

describe('the OpenAPI contract', () => {
  it('openapi/openapi.json is what the route schemas generate (run `npm run openapi` after an API change)', async () => {
    expect(await buildOpenApiDocument()).toBe(committed)
  })

  it('openapi/openapi.d.ts is what openapi-typescript makes of the committed document (run `npm run openapi`)', async () => {
    expect(await generateOpenApiTypes(committed)).toBe(committedTypes)
  })

  it('GET /docs/json serves the committed document', async () => {
    const res = await app.inject({ url: '/docs/json' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual(JSON.parse(committed))
  })

  it('GET /docs serves Swagger UI', async () => {
    const res = await app.inject({ url: '/docs' })
    const page = res.statusCode === 302 ? await app.inject({ url: res.headers.location as string }) : res
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toMatch(/text\/html/)
    expect(page.body).toContain('swagger-ui')
  })

  it('documents /cards: every parameter with its constraints, the required ones with an example, the page, and problem+json errors', () => {
    const doc = JSON.parse(committed) as { openapi: string, paths: Record<string, any>, components: { schemas: Record<string, any> } }
    expect(doc.openapi).toBe('3.1.0')
    const cards = doc.paths['/cards'].get
    const params = Object.fromEntries(cards.parameters.map((p: any) => [p.name, p]))
    expect(params.appid).toMatchObject({ in: 'query', required: true, schema: { pattern: '^[A-Za-z0-9_]{1,32}$' } })
    expect(params.offset).toMatchObject({ required: true, schema: { type: 'integer', minimum: 0 } })
    expect(params.limit).toMatchObject({ required: true, schema: { type: 'integer', minimum: 1, maximum: 20 } })
    expect(params.brand_id).toMatchObject({ required: false, schema: { pattern: '^[A-Za-z0-9_-]{1,16}$' } })
    // Swagger UI pre-fills a parameter's example: an optional one such as brand_id must start empty.
    for (const p of Object.values(params) as Array<{ required: boolean, example?: unknown }>) {
      expect(p.example !== undefined).toBe(p.required)
    }
    expect(cards.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CardsPage' })
    for (const status of ['400', '401', '403', '404', '414', '429', '502', '503', '504']) {
      const media = cards.responses[status].content['application/problem+json']
      expect(media.schema).toEqual({ $ref: '#/components/schemas/Problem' })
      // Every example is a problem of that very status.
      const examples = Object.values(media.examples ?? {}) as Array<{ value: { status: number, type: string } }>
      expect(examples.length).toBeGreaterThan(0)
      for (const example of examples) expect(example.value.status).toBe(Number(status))
    }
    for (const status of ['429', '503']) expect(cards.responses[status].headers['Retry-After'].schema).toEqual({ type: 'integer' })
    for (const header of ['Cache-Status', 'ETag', 'Age', 'Cache-Control']) expect(cards.responses['200'].headers[header]).toBeDefined()
    // WeChat Pay's codes appear in the examples, verbatim.
    const codes = JSON.stringify(cards.responses)
    for (const code of ['PARAM ERROR', 'NO_AUTH', 'FREQUENCY_LIMITED', 'SIGN_ERROR', 'SYSTEM_ERROR']) {
      expect(codes).toContain(`"code":"${code}"`)
    }
    expect(doc.components.schemas.Problem.required).toEqual(['type', 'title', 'status', 'detail', 'instance'])
  })

  it('names the card page, its cards, the whole list and Problem as components, for clients to use by name', () => {
    const { components, paths } = JSON.parse(committed) as { components: { schemas: Record<string, any> }, paths: Record<string, any> }
    expect(Object.keys(components.schemas).sort()).toEqual(['Card', 'CardsAll', 'CardsPage', 'Problem'])
    const { CardsPage, CardsAll, Card } = components.schemas
    expect(CardsPage.required).toEqual(['data', 'total_count', 'offset', 'limit'])
    for (const list of [CardsPage, CardsAll]) expect(list.properties.data.items).toEqual({ $ref: '#/components/schemas/Card' })
    // Every card field the seed page's example shows, each open to fields WeChat Pay adds later.
    expect(Object.keys(Card.properties)).toEqual(expect.arrayContaining(['card_id', 'create_time', 'update_time', 'remain_quantity',
      'status', 'brand', 'appid', 'logo_url', 'title', 'background_picture_url', 'description', 'service_phone', 'code_type',
      'total_quantity', 'date_information', 'code_mode', 'need_display_level', 'init_level', 'out_request_no',
      'balance_information', 'user_information_form']))
    expect(Card.additionalProperties).toBe(true)
    expect(paths['/cards/all'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CardsAll' })
    expect(paths['/cards/{card_id}'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Card' })
  })

  it('names one server, relative to where the document was loaded from, and an operationId for every operation', () => {
    // `/` rather than an environment's host: Swagger UI and clients call whichever host served the document.
    const doc = JSON.parse(committed) as { servers: unknown, paths: Record<string, Record<string, { operationId?: string }>> }
    expect(doc.servers).toEqual([{ url: '/' }])
    const operations = Object.values(doc.paths).flatMap((item) => Object.values(item))
    expect(operations.map((operation) => operation.operationId)).toEqual(
      ['checkLiveness', 'checkReadiness', 'listAllCards', 'listCards', 'getCard', 'purgeCardsCache'])
  })
})
