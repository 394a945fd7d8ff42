import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/config.js'
import { TEST_ENV } from '../helpers/app.js'

let app: FastifyInstance
const lines: string[] = []

beforeAll(async () => {
  const config = loadConfig({ ...TEST_ENV, LOG_LEVEL: 'info' })
  expect(config.wechatpay.sandbox).toBe(true)
  app = await buildApp(config, { logStream: { write: (line: string) => { lines.push(line) } } })
})
afterAll(async () => { await app.close() })

describe('sandbox mode (no WECHATPAY_MCHID, not production)', () => {
  it('says loudly that it is on and that nothing reaches WeChat Pay', () => {
    const notice = lines.map((l) => JSON.parse(l) as { level: number, msg: string }).find((l) => l.msg.includes('SANDBOX MODE'))
    expect(notice?.level).toBe(40)
    expect(notice?.msg).toContain('Nothing reaches WeChat Pay')
  })

  it('serves demo card templates through the real signing and verification path', async () => {
    const res = await app.inject({ url: '/cards?appid=wxea9c30890f48d5ae&offset=0&limit=20' })
    expect(res.statusCode).toBe(200)
    const page = res.json<{ data: Array<Record<string, unknown>>, total_count: number, limit: number, offset: number }>()
    expect(page.data).toHaveLength(20)
    expect(page.total_count).toBeGreaterThan(20)
    expect(page).toMatchObject({ offset: 0, limit: 20 })
    const card = page.data[0]
    for (const field of ['card_id', 'title', 'status', 'brand', 'appid', 'logo_url', 'date_information']) {
      expect(card).toHaveProperty(field)
    }
    expect(card?.appid).toBe('wxea9c30890f48d5ae')
    expect(res.headers['x-wechatpay-request-id']).toEqual(expect.any(String))
  })

  it('answers the last, partial page and an empty page past the end', async () => {
    const first = (await app.inject({ url: '/cards?appid=wxdemo&offset=0&limit=20' })).json<{ total_count: number }>()
    const lastIndex = Math.floor((first.total_count - 1) / 20)
    const last = (await app.inject({ url: `/cards?appid=wxdemo&offset=${lastIndex}&limit=20` })).json<{ data: unknown[] }>()
    expect(last.data).toHaveLength(first.total_count - lastIndex * 20)
    const beyond = (await app.inject({ url: `/cards?appid=wxdemo&offset=${lastIndex + 1}&limit=20` })).json<{ data: unknown[] }>()
    expect(beyond.data).toEqual([])
  })

  it('refuses to start in sandbox mode in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/WECHATPAY_MCHID/)
  })
})
