import { readFileSync } from 'node:fs'
import { AjvCompiler } from '@fastify/ajv-compiler'
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { FastifyValidationResult } from 'fastify/types/schema.js'
import pino from 'pino'
import { Histogram, Registry } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { DeferredChildLogger, LEVELS, RELIES_ON as LOGGER, deferredChildLogger } from '../../src/internals/deferred-child-logger.js'
import { RELIES_ON as COMPILERS, lazySerializerFactory, lazyValidatorFactory } from '../../src/internals/lazy-compilers.js'
import { RELIES_ON as METRIC, registerScrapedMetric, type Sample } from '../../src/internals/scraped-metric.js'

// Each test checks one thing src/internals/ takes from a library that the library does not promise.
// An upgrade that breaks one fails its test here, not a request in production.

const ROUTE = { method: 'GET', url: '/t', httpPart: 'querystring', httpStatus: '200' }
const apps: FastifyInstance[] = []
afterEach(async () => { await Promise.all(apps.splice(0).map(async (app) => { await app.close() })) })

function installed (name: string): string {
  const file = new URL(`../../node_modules/${name}/package.json`, import.meta.url)
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
}

/** -1, 0 or 1 as release `a` comes before, is, or comes after `b` (prereleases are not used here). */
function compare (a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.split('-')[0]?.split('.').map(Number) ?? [])
  for (let i = 0; i < 3; i++) if ((x?.[i] ?? 0) !== (y?.[i] ?? 0)) return Math.sign((x?.[i] ?? 0) - (y?.[i] ?? 0))
  return 0
}

describe('the versions src/internals/ was checked against', () => {
  it.each([...COMPILERS, ...LOGGER, ...METRIC].map((r) => [r.package, r] as const))('%s is installed within its range', (name, relied) => {
    const version = installed(name)
    expect(compare(version, relied.checked), `${name} ${version} is older than ${relied.checked}`).toBeGreaterThanOrEqual(0)
    expect(compare(version, relied.below), `${name} ${version}: recheck "${relied.internal}" and raise the range`).toBeLessThan(0)
  })
})

describe('Fastify and its compilers, as the lazy compilers copy them', () => {
  it('AjvCompiler() builds (externalSchemas, options) => (route) => an Ajv function carrying schemaEnv and errors', () => {
    const validate = AjvCompiler()({}, { customOptions: {} })({ ...ROUTE, schema: { type: 'object', required: ['n'] } })
    expect((validate as unknown as { schemaEnv?: unknown }).schemaEnv).toBeTruthy()
    expect(validate({})).toBe(false)
    expect(validate.errors?.[0]).toMatchObject({ keyword: 'required' })
  })

  it('SerializerSelector() builds (externalSchemas, options) => (route) => a serializer', () => {
    const serialize = SerializerSelector()({}, {})({ ...ROUTE, schema: { type: 'object', properties: { n: { type: 'integer' } } } })
    expect(serialize({ n: 1, secret: 'x' })).toBe('{"n":1}')
  })

  it('Fastify passes the parent data only to a validator with a schemaEnv, and reads errors off it', async () => {
    const calls: number[] = []
    const app = Fastify()
    apps.push(app)
    app.setValidatorCompiler(({ url }) => {
      const validate: FastifyValidationResult = (...args: unknown[]) => {
        calls.push(args.length)
        validate.errors = [{ keyword: 'x', instancePath: '', schemaPath: '#', params: {}, message: 'refused here' }]
        return false
      }
      return url === '/env' ? Object.assign(validate, { schemaEnv: {} }) : validate
    })
    for (const url of ['/env', '/plain']) app.get(url, { schema: { querystring: { type: 'object' } } }, async () => 'ok')
    const answers = [await app.inject({ url: '/env' }), await app.inject({ url: '/plain' })]
    expect(calls).toEqual([2, 1])
    for (const res of answers) expect(res.json()).toMatchObject({ statusCode: 400, message: 'querystring refused here' })
  })

  it('a Fastify app with the lazy compilers validates, coerces and serializes as with its own', async () => {
    const compilersFactory = { buildValidator: lazyValidatorFactory(), buildSerializer: lazySerializerFactory() }
    const app = Fastify({ schemaController: { compilersFactory } })
    apps.push(app)
    app.get('/n', {
      schema: {
        querystring: { type: 'object', properties: { n: { type: 'integer', maximum: 5 } }, required: ['n'] },
        response: { 200: { type: 'object', properties: { n: { type: 'integer' } } } }
      }
    }, async (request) => ({ n: (request.query as { n: number }).n, hidden: true }))
    expect((await app.inject({ url: '/n?n=3' })).body).toBe('{"n":3}')
    expect((await app.inject({ url: '/n?n=9' })).json()).toMatchObject({ statusCode: 400, message: 'querystring/n must be <= 5' })
  })
})

describe('Fastify and pino, as the deferred child logger copies them', () => {
  it('pino\'s level methods are exactly those the deferred logger defines', () => {
    expect([...Object.keys(pino.levels.values), 'silent'].sort()).toEqual([...LEVELS].sort())
  })

  it('Fastify takes the factory\'s logger as request.log, checked, and its lines are those of its default child', async () => {
    const lines = async (factory?: typeof deferredChildLogger): Promise<unknown[]> => {
      const out: string[] = []
      const logger = pino({ base: undefined, timestamp: false }, { write: (line: string) => { out.push(line) } })
      const app = Fastify({
        loggerInstance: logger as FastifyBaseLogger, disableRequestLogging: true, genReqId: () => 'req-1', childLoggerFactory: factory
      })
      apps.push(app)
      let kind = ''
      app.get('/', async (request) => {
        kind = request.log.constructor.name
        request.log.info({ cache: 'hit' }, 'served')
        request.log.child({ page: 1 }).warn('from a grandchild')
        return 'ok'
      })
      await app.inject({ url: '/' })
      expect(kind).toBe(factory === undefined ? 'Pino' : DeferredChildLogger.name)
      return out.map((line) => JSON.parse(line))
    }
    const deferred = await lines(deferredChildLogger)
    expect(deferred).toEqual(await lines())
    expect(deferred).toEqual([
      { level: 30, reqId: 'req-1', cache: 'hit', msg: 'served' },
      { level: 40, reqId: 'req-1', page: 1, msg: 'from a grandchild' }
    ])
  })
})

describe('prom-client\'s Registry, as the scraped metric copies it', () => {
  /** The same histogram twice: prom-client's own, and one read at scrape time from plain samples. */
  function twins (): { theirs: Registry, ours: Registry, resets: () => number } {
    const theirs = new Registry()
    new Histogram({ name: 'd_seconds', help: 'h', labelNames: ['route'], buckets: [1], registers: [theirs] }).observe({ route: '/a' }, 0.5)
    const ours = new Registry()
    let resets = 0
    registerScrapedMetric(ours, {
      name: 'd_seconds',
      help: 'h',
      type: 'histogram',
      values: (): Sample[] => [
        { labels: { le: 1 }, sharedLabels: { route: '/a' }, value: 1, metricName: 'd_seconds_bucket' },
        { labels: { le: '+Inf' }, sharedLabels: { route: '/a' }, value: 1, metricName: 'd_seconds_bucket' },
        { labels: { route: '/a' }, value: 0.5, metricName: 'd_seconds_sum' },
        { labels: { route: '/a' }, value: 1, metricName: 'd_seconds_count' }
      ],
      reset: () => { resets++ }
    })
    return { theirs, ours, resets: () => resets }
  }

  it('metrics() prints what getForPromString() returns, shared labels after the own ones', async () => {
    const { theirs, ours } = twins()
    const metric = ours.getSingleMetric('d_seconds') as unknown as { getForPromString: () => Promise<unknown>, get: () => Promise<unknown> }
    const asked: string[] = []
    for (const method of ['getForPromString', 'get'] as const) {
      const original = metric[method]
      metric[method] = async () => { asked.push(method); return await original() }
    }
    expect(await ours.metrics()).toBe(await theirs.metrics())
    expect(asked).toEqual(['getForPromString'])
    expect(await ours.metrics()).toContain('d_seconds_bucket{le="1",route="/a"} 1')
  })

  it('getMetricsAsJSON() returns what get() returns', async () => {
    const { theirs, ours } = twins()
    // prom-client's own samples carry an empty exemplar slot, which nothing here uses.
    const json = async (registry: Registry): Promise<Array<{ values: unknown[] }>> =>
      (await registry.getMetricsAsJSON()).map(({ values, ...metric }) =>
        ({ ...metric, values: values.map(({ exemplar: _exemplar, ...sample }: Record<string, unknown>) => sample) }))
    expect(await json(ours)).toEqual(await json(theirs))
    expect((await json(ours))[0]?.values[0]).toEqual({ labels: { le: 1, route: '/a' }, value: 1, metricName: 'd_seconds_bucket' })
  })

  it('resetMetrics() calls reset()', () => {
    const { ours, resets } = twins()
    ours.resetMetrics()
    expect(resets()).toBe(1)
  })
})
