import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { startTestApp, TEST_ENV, type TestApp } from '../helpers/app.js'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { uniqueAppid } from '../helpers/unique.js'

const FRONTEND = 'frontend-token-0123456789abcdef'
const FRONTEND_ROTATED = 'frontend-rotated-9876543210fedcba'
const SYNC = 'sync-service-token-abcdef0123456789'
const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })

let fake: FakeWechatpay
let dir: string
let file: string
let service: TestApp

beforeAll(async () => {
  fake = await startFakeWechatpay()
  dir = mkdtempSync(join(tmpdir(), 'callers-'))
  file = join(dir, 'callers')
  writeFileSync(file, `# who may call\nfrontend ${FRONTEND}\nsync-service ${SYNC} purge\n`)
  const { protection } = loadConfig({ ...TEST_ENV, CALLERS_FILE: file })
  // The rotation test asks with the new token until it works: those 401s are no guesses to limit here.
  service = await startTestApp(fake, { protection: { callersFile: protection.callersFile, authFailuresPerMinute: 1_000 } })
})
afterAll(async () => {
  await service.close()
  await fake.simulator.close()
  rmSync(dir, { recursive: true, force: true })
})

const cards = async (headers: Record<string, string> = {}): Promise<number> =>
  (await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`, { headers })).status
const metricsText = async (): Promise<string> => await (await fetch(`${service.url}/metrics`)).text()
const accessLines = (): Array<Record<string, unknown>> => service.logs.filter((line) => line.msg === 'request completed')

describe('CALLERS_FILE', () => {
  it('takes only its callers\' tokens on /cards, and names each caller in the access log and the metrics', async () => {
    expect(await cards(bearer(FRONTEND))).toBe(200)
    expect(await cards(bearer(SYNC))).toBe(200)
    expect(await cards()).toBe(401)
    expect(await cards(bearer('not-a-token-of-anyone-000000'))).toBe(401)
    const callers = accessLines().filter((line) => line.url?.toString().startsWith('/cards?')).map((line) => line.caller)
    expect(callers).toEqual(['frontend', 'sync-service', 'anonymous', 'anonymous'])
    const text = await metricsText()
    expect(text).toMatch(/^http_requests_total\{route="\/cards",method="GET",status="200",caller="frontend"\} 1$/m)
    expect(text).toMatch(/^http_requests_total\{route="\/cards",method="GET",status="401",caller="anonymous"\} 2$/m)
    expect(text).toMatch(/^http_request_duration_seconds_count\{route="\/cards",method="GET",status="200",caller="sync-service"\} 1$/m)
    // The label's values are the configured names and anonymous, never a token.
    const values = new Set([...text.matchAll(/caller="([^"]*)"/g)].map((match) => match[1]))
    expect([...values].sort()).toEqual(['anonymous', 'frontend', 'sync-service'])
    for (const secret of [FRONTEND, SYNC, 'not-a-token-of-anyone-000000']) {
      expect(text).not.toContain(secret)
      expect(service.rawLogs()).not.toContain(secret)
    }
  })

  it('lets only callers marked purge use DELETE /cards/cache', async () => {
    const purge = async (token: string): Promise<Response> =>
      await fetch(`${service.url}/cards/cache?appid=${uniqueAppid()}`, { method: 'DELETE', headers: bearer(token) })
    const refused = await purge(FRONTEND)
    expect(refused.status).toBe(403)
    expect(await refused.json()).toMatchObject({ type: '/problems/purge-not-allowed' })
    expect((await purge(SYNC)).status).toBe(204)
  })

  it('applies a rotated token within 5 s, without a restart and without failing a request meanwhile', async () => {
    const run = { stop: false }
    const statuses: number[] = []
    const traffic = (async () => {
      while (!run.stop) {
        statuses.push(await cards(bearer(SYNC)))
        await sleep(20)
      }
    })()
    writeFileSync(file, `frontend ${FRONTEND_ROTATED}\nsync-service ${SYNC} purge\n`)
    const started = Date.now()
    while (await cards(bearer(FRONTEND_ROTATED)) !== 200) {
      expect(Date.now() - started).toBeLessThan(5_000)
      await sleep(100)
    }
    expect(await cards(bearer(FRONTEND))).toBe(401)
    run.stop = true
    await traffic
    expect(statuses.length).toBeGreaterThan(0)
    expect(statuses.every((status) => status === 200)).toBe(true)
    expect(service.logs.some((line) => line.msg === 'callers file: reloaded')).toBe(true)
  })

  it('keeps the previous callers when the file no longer parses, and logs one error naming the line', async () => {
    writeFileSync(file, `frontend ${FRONTEND_ROTATED}\nSync_Service ${SYNC}\n`)
    await sleep(2_500)
    expect(await cards(bearer(FRONTEND_ROTATED))).toBe(200)
    expect(await cards(bearer(SYNC))).toBe(200)
    const errors = service.logs.filter((line) => line.level === 50 && String(line.msg).startsWith('callers file'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ line: 2 })
    expect(String(errors[0]?.msg)).toMatch(/line 2: the name must match/)
    expect(JSON.stringify(errors)).not.toContain(SYNC)
  })
})
