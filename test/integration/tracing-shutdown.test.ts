import { randomBytes } from 'node:crypto'
import { createServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeWechatpay, type FakeWechatpay } from '../helpers/fake-wechatpay.js'
import { startOtlpReceiver } from '../helpers/otlp-receiver.js'
import { startTracedService } from '../helpers/traced-service.js'
import { uniqueAppid } from '../helpers/unique.js'

let fake: FakeWechatpay
beforeAll(async () => { fake = await startFakeWechatpay() })
afterAll(async () => { await fake.simulator.close() })

/** A traceparent of a fresh trace, and its id. */
function traced (): { traceId: string, traceparent: string } {
  const traceId = randomBytes(16).toString('hex')
  return { traceId, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` }
}

describe('shutdown with tracing on', () => {
  it('exports the spans still buffered before it exits', async () => {
    const receiver = await startOtlpReceiver()
    try {
      // A batch delay no test would wait for: only shutdown can send these spans.
      const service = await startTracedService(fake, {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '600000',
        SHUTDOWN_GRACE_MS: '5000'
      })
      const { traceId, traceparent } = traced()
      try {
        expect((await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`, { headers: { traceparent } })).status).toBe(200)
        await new Promise((resolve) => setTimeout(resolve, 300))
        expect(receiver.spans.filter((s) => s.traceId === traceId)).toEqual([])
      } finally {
        expect(await service.stop()).toBe(0)
      }
      const names = receiver.spans.filter((s) => s.traceId === traceId).map((s) => s.name)
      expect(names).toEqual(expect.arrayContaining(['GET /cards', 'GET /v3/marketing/membercard-open/cards']))
    } finally {
      await receiver.close()
    }
  }, 30_000)

  it('gives up on a collector that never answers within SHUTDOWN_GRACE_MS, not the exporter\'s longer timeout', async () => {
    // Accepts connections and never answers: the exporter would wait out its own 10 s timeout.
    const sockets = new Set<Socket>()
    const silent = createServer((socket) => { sockets.add(socket) })
    await new Promise<void>((resolve) => { silent.listen(0, '127.0.0.1', resolve) })
    try {
      const service = await startTracedService(fake, {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
        OTEL_BSP_SCHEDULE_DELAY: '600000',
        SHUTDOWN_GRACE_MS: '1500'
      })
      const { traceparent } = traced()
      expect((await fetch(`${service.url}/cards?appid=${uniqueAppid()}&offset=0&limit=2`, { headers: { traceparent } })).status).toBe(200)
      const started = Date.now()
      const code = await service.stop()
      expect(code).toBe(0)
      expect(Date.now() - started).toBeLessThan(1500 + 1000)
      // It did try: the export reached the collector, which never answered.
      expect(sockets.size).toBeGreaterThan(0)
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => { silent.close(resolve) })
    }
  }, 30_000)
})
