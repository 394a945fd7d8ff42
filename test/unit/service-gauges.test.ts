import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ServiceMetrics } from '../../src/metrics/service-metrics.js'

// The gauges about the service itself carry its name: redis_exporter exports `redis_up` too, and
// generic rules on it must not page on these pods. The bare names stay one release, deprecated.

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }

async function exposition (): Promise<string> {
  const metrics = new ServiceMetrics({
    redis: () => ({ topology: 'cluster', state: 'ok', primaries: ['10.0.0.1:6379', '10.0.0.2:6379', '10.0.0.3:6379'] }),
    breakers: () => [],
    certificateExpiry: () => undefined
  })
  return await metrics.registry.metrics()
}

describe('the service\'s own gauges', () => {
  it('name Redis\'s state under the service\'s prefix', async () => {
    const text = await exposition()
    expect(text).toContain('wxpay_cards_bff_redis_up{topology="cluster"} 1')
    expect(text).toContain('wxpay_cards_bff_redis_primaries{topology="cluster"} 3')
  })

  it('keep the bare names for one release, saying they are deprecated and what replaces them', async () => {
    const text = await exposition()
    expect(text).toContain('redis_up{topology="cluster"} 1')
    expect(text).toMatch(/^# HELP redis_up Deprecated.*wxpay_cards_bff_redis_up/m)
    expect(text).toMatch(/^# HELP redis_primaries Deprecated.*wxpay_cards_bff_redis_primaries/m)
  })

  it('export the running version in wxpay_cards_bff_build_info', async () => {
    const text = await exposition()
    expect(text).toContain(`wxpay_cards_bff_build_info{version="${pkg.version}",node_version="${process.versions.node}"} 1`)
  })
})
