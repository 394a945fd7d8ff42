import type { Counter } from 'prom-client'
import type { RequestSeries } from './request-metrics.js'
import type { ServiceMetrics } from './service-metrics.js'

/** Each series is found once and kept: a request allocates no label object. */
export class RequestRecorder {
  readonly #metrics: ServiceMetrics
  readonly #outcomes = new Map<string, Counter.Internal>()

  constructor (metrics: ServiceMetrics) {
    this.#metrics = metrics
  }

  /** Never the raw URL, so label values stay few. */
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
