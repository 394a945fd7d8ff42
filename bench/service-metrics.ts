/** Figures the service reports about itself on /metrics (Prometheus text). */

/** Sum and count of the service's successful WeChat Pay attempts (seconds), as it timed them. */
export async function upstreamAttemptTotals (base: string): Promise<{ sum: number, count: number }> {
  const text = await (await fetch(`${base}/metrics`)).text()
  const total = (name: string): number => text.split('\n')
    .filter((l) => l.startsWith(name) && l.includes('outcome="ok"'))
    .reduce((n, l) => n + Number(l.split(' ').pop()), 0)
  return { sum: total('wechatpay_request_duration_seconds_sum'), count: total('wechatpay_request_duration_seconds_count') }
}

export interface MemoryMetrics { heapTotalMb: number, heapUsedMb: number, externalMb: number }

/** Where the memory is: V8's heap, and memory outside it (Buffers). */
export async function memoryMetrics (base: string): Promise<MemoryMetrics> {
  const text = await (await fetch(`${base}/metrics`)).text()
  const mb = (name: string): number => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? Number.NaN) / 1024 / 1024
  return {
    heapTotalMb: mb('nodejs_heap_size_total_bytes'),
    heapUsedMb: mb('nodejs_heap_size_used_bytes'),
    externalMb: mb('nodejs_external_memory_bytes')
  }
}

/** How the service's cached answers of one endpoint were obtained so far, by outcome (hit, miss, stale, bypass…). */
export async function cacheOutcomeTotals (base: string, endpoint = 'cards'): Promise<Record<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text()
  const totals: Record<string, number> = {}
  for (const line of text.split('\n')) {
    const match = /^cards_cache_outcomes_total\{([^}]*)\} (\S+)$/.exec(line)
    const labels = match?.[1] ?? ''
    if (match === null || !labels.includes(`endpoint="${endpoint}"`)) continue
    const outcome = /outcome="([^"]*)"/.exec(labels)?.[1] ?? '?'
    totals[outcome] = (totals[outcome] ?? 0) + Number(match[2])
  }
  return totals
}
