import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { SHARED_REDIS } from '../helpers/redis-server.js'
import { uniqueAppid } from '../helpers/unique.js'

let fake: FakeWechatpay
let service: TestApp

beforeAll(async () => {
  fake = await startFakeWechatpay()
  service = await startTestApp(fake, { redis: { settings: SHARED_REDIS }, cache: { ttlSeconds: 1, staleSeconds: 60 } })
})
afterAll(async () => {
  await service.close()
  await fake.simulator.close()
})

const calls = (cardId: string): number => fake.simulator.calls.filter((call) => call.url.endsWith(`/cards/${cardId}`)).length

/** A demo template the simulator lists for a fresh appid, as its own bytes in the page. */
async function listedTemplate (): Promise<{ id: string, text: string }> {
  const res = await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=1`)
  const page = await res.json() as { data: Array<{ card_id: string }> }
  const card = page.data[0]
  if (card === undefined) throw new Error('the simulator listed no card')
  return { id: card.card_id, text: JSON.stringify(card) }
}

describe('GET /cards/{card_id}', () => {
  it('answers the template the list holds, byte for byte, for the sandbox\'s demo cards', async () => {
    const { id, text } = await listedTemplate()
    const res = await fetch(`${service.url}/cards/${id}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(await res.text()).toBe(text)
  })

  it('refuses, and never caches, an answer that is another template or does not verify', async () => {
    const { id } = await listedTemplate()
    fake.simulator.enqueue({ kind: 'raw', status: 200, body: JSON.stringify({ card_id: 'pSomeOtherTemplate', title: 'x' }) })
    const other = await fetch(`${service.url}/cards/${id}`)
    expect(other.status).toBe(502)
    expect(await other.json()).toMatchObject({ type: '/problems/upstream-bad-response' })
    fake.simulator.enqueue({ kind: 'tamper' })
    const tampered = await fetch(`${service.url}/cards/${id}`)
    expect(tampered.status).toBe(502)
    expect(await tampered.json()).toMatchObject({ type: '/problems/upstream-signature-invalid' })
    expect((await fetch(`${service.url}/cards/${id}`)).headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=miss; stored')
    expect(calls(id)).toBeGreaterThanOrEqual(3)
  })

  it('serves a stale template while it refreshes, and while WeChat Pay fails', async () => {
    const { id, text } = await listedTemplate()
    expect((await fetch(`${service.url}/cards/${id}`)).status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    fake.simulator.enqueue({ kind: 'error', status: 500, code: 'SYSTEM_ERROR', message: '系统繁忙' })
    const stale = await fetch(`${service.url}/cards/${id}`)
    expect(stale.status).toBe(200)
    expect(stale.headers.get('cache-status')).toMatch(/fwd=stale/)
    expect(await stale.text()).toBe(text)
  })

  it('lets the caller force a refresh within its no-cache allowance', async () => {
    const { id } = await listedTemplate()
    expect((await fetch(`${service.url}/cards/${id}`)).status).toBe(200)
    const forced = await fetch(`${service.url}/cards/${id}`, { headers: { 'cache-control': 'no-cache' } })
    expect(forced.headers.get('cache-status')).toBe('wxpay-cards-bff; fwd=request; stored')
    expect(calls(id)).toBe(2)
  })
})
