import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { uniqueAppid } from '../helpers/unique.js'

let fake: FakeWechatpay
let service: TestApp

beforeAll(async () => {
  fake = await startFakeWechatpay()
  service = await startTestApp(fake) // LOG_LEVEL=debug: secrets must stay out even there
})
afterAll(async () => {
  await service.close()
  await fake.simulator.close()
})

describe('what never reaches the logs, at debug level', () => {
  it('no Authorization value, signature or key material after successful and failed calls', async () => {
    await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`,
      { headers: { authorization: 'Bearer caller-secret-token' } })
    fake.simulator.enqueue({
      kind: 'error',
      status: 401,
      code: 'SIGN_ERROR',
      message: '签名错误',
      detail: { sign_information: { truncated_sign_message: 'GET\n/v3/…' } }
    })
    await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`)
    fake.simulator.enqueue({ kind: 'tamper' })
    await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`)

    const sent = fake.simulator.calls[0]?.headers.authorization as string
    const signature = /signature="([^"]+)"/.exec(sent)?.[1] as string
    const logs = service.rawLogs()
    expect(logs.length).toBeGreaterThan(0)
    const secrets = [
      sent, signature, 'WECHATPAY2-SHA256-RSA2048', 'caller-secret-token', 'PRIVATE KEY', 'sign_information', 'truncated_sign_message'
    ]
    for (const secret of secrets) {
      expect(logs).not.toContain(secret)
    }
  })

  it('the access line shows the path and the known parameters only: a token in an unknown one stays out', async () => {
    const appid = uniqueAppid()
    const res = await fetch(`${service.url}/cards?appid=${appid}&access_token=query-secret-token-42&offset=0&limit=2`)
    expect(res.status).toBe(400)
    const id = res.headers.get('x-request-id')
    await expect.poll(() => service.logs.find((line) => line.reqId === id && line.msg === 'request completed'))
      .toMatchObject({ url: `/cards?appid=${appid}&offset=0&limit=2` })
    expect(service.rawLogs()).not.toContain('query-secret-token-42')
  })

  it('redacts secrets even when code logs them by mistake', () => {
    service.app.log.error({
      headers: { authorization: 'WECHATPAY2-SHA256-RSA2048 mchid="1",signature="leak"' },
      detail: { sign_information: { truncated_sign_message: 'leak' } },
      credentials: { privateKey: 'leak' },
      apiv3Key: 'leak'
    }, 'careless line')
    const line = service.logs.find((l) => l.msg === 'careless line')
    expect(line).toBeDefined()
    expect(JSON.stringify(line)).not.toContain('leak')
  })
})
