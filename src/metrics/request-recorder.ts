import type { Counter } from 'prom-client'
import type { RequestSeries } from './request-metrics.js'
import type { ServiceMetrics } from './service-metrics.js'

/**
 * Counts answered requests into http_requests_total and http_request_duration_seconds, and /cards
 * outcomes. Each (route, method, status, caller) gets its series once and keeps it: a request
 * allocates no label object. `caller` is a configured caller's name or `anonymous`, so its values
 * are as few as the callers an operator configured, and never a token.
 */
export class RequestRecorder {
  readonly #metrics: ServiceMetrics
  readonly #outcomes = new Map<string, Counter.Internal>()

  constructor (metrics: ServiceMetrics) {
    this.#metrics = metrics
  }

  /**
   * What records one route's requests. `route` is its pattern (never the raw URL, so label values
   * stay few), or `unmatched`. Series are found by method, status, then caller: no key string per request.
   */
  forRoute (route: string): (method: string, status: number, caller: string, seconds: number) => void {
    const byMethod = new Map<string, Map<number, Map<string, RequestSeries>>>()
    return (method, status, caller, seconds) => {
      let byStatus = byMethod.get(method)
      if (byStatus === undefined) byMethod.set(method, byStatus = new Map())
      let byCaller = byStatus.get(status)
      if (byCaller === undefined) byStatus.set(status, byCaller = new Map())
      let series = byCaller.get(caller)
      if (series === undefined) {
        series = this.#metrics.requests.series({ route, method, status: String(status), caller })
        byCaller.set(caller, series)
      }
      this.#metrics.requests.observe(series, seconds)
    }
  }

  recordCacheOutcome (endpoint: string, outcome: string): void {
    const key = `${endpoint} ${outcome}`
    let counter = this.#outcomes.get(key)
    if (counter === undefined) {
      counter = this.#metrics.cacheOutcomes.labels({ endpoint, outcome })
      this.#outcomes.set(key, counter)
    }
    counter.inc()
  }
}
