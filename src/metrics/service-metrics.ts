import type { AttemptReport } from '../wechatpay/client.js'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { BudgetTake } from '../budget/upstream-budget.js'
import { VERIFICATION_FAILURES } from '../wechatpay/response-verifier.js'
import { SERVICE_NAME, SERVICE_VERSION } from '../version.js'
import { RequestMetrics } from './request-metrics.js'

interface RedisReading { topology: string, state: string, primaries: string[] }
interface Reading { labels?: Record<string, string>, value: number }

export interface MetricSources {
  redis: () => RedisReading | undefined
  breakers: () => Array<{ host: string, state: 'open' | 'closed' }>
  certificateExpiry: () => Date | undefined
}

export const SERVICE_PREFIX = `${SERVICE_NAME.replaceAll('-', '_')}_`

const VERIFICATION_REASONS = new Set<string>(VERIFICATION_FAILURES)

/** A registry per app, so tests and several apps in one process never collide. */
export class ServiceMetrics {
  readonly registry = new Registry()
  readonly requests = new RequestMetrics(this.registry, {
    requests: { name: 'http_requests_total', help: 'HTTP requests served, by route, method and status.' },
    duration: { name: 'http_request_duration_seconds', help: 'Time to answer an HTTP request, by route, method and status.' }
  }, [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])

  readonly cacheOutcomes = new Counter({
    name: 'cards_cache_outcomes_total',
    help: 'How cached answers were obtained, by endpoint (cards, …): hit, miss, stale, stale-if-error, bypass (no-cache), collapsed.',
    labelNames: ['endpoint', 'outcome'],
    registers: [this.registry]
  })

  readonly upstreamDuration = new Histogram({
    name: 'wechatpay_request_duration_seconds',
    help: 'WeChat Pay attempts by host, endpoint, outcome (ok, a WeChat code, a verification failure, timeout, unreachable) ' +
      'and WeChat code.',
    labelNames: ['host', 'endpoint', 'outcome', 'wechat_code'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [this.registry]
  })

  readonly upstreamRetries = new Counter({
    name: 'wechatpay_retries_total',
    help: 'WeChat Pay attempts that were retries, by host.',
    labelNames: ['host'],
    registers: [this.registry]
  })

  readonly verificationFailures = new Counter({
    name: 'wechatpay_verification_failures_total',
    help: 'WeChat Pay answers refused by signature verification, by reason.',
    labelNames: ['reason'],
    registers: [this.registry]
  })

  readonly budgetTakes = new Counter({
    name: 'wechatpay_budget_takes_total',
    help: 'Turns asked of the fleet\'s WeChat Pay budget (UPSTREAM_MAX_RPS): immediate, waited, or refused (no call made).',
    labelNames: ['outcome'],
    registers: [this.registry]
  })

  readonly budgetWait = new Histogram({
    name: 'wechatpay_budget_wait_seconds',
    help: 'Time spent waiting for a turn of the WeChat Pay budget, by takes that waited or were refused.',
    labelNames: ['outcome'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2],
    registers: [this.registry]
  })

  constructor (sources: MetricSources) {
    collectDefaultMetrics({ register: this.registry })
    const redis = (value: (status: RedisReading) => number): Reading[] => {
      const status = sources.redis()
      return status === undefined ? [] : [{ labels: { topology: status.topology }, value: value(status) }]
    }
    // Prefixed: redis_exporter owns `redis_up`, so generic `redis_up == 0` rules would page on these
    // pods. The unprefixed names are deprecated, kept one release so dashboards and rules can move.
    const redisGauges = {
      redis_up: ['1 when Redis answers, 0 when the cache is failing open; absent without Redis.',
        (status: RedisReading) => status.state === 'ok' ? 1 : 0],
      redis_primaries: [
        'Redis primaries in use: 1 for a single Redis or Sentinel\'s current primary, a Cluster\'s primaries; 0 while connecting.',
        (status: RedisReading) => status.primaries.length]
    } as const
    for (const [name, [help, value]] of Object.entries(redisGauges)) {
      this.#scraped(`${SERVICE_PREFIX}${name}`, help, ['topology'], () => redis(value))
      this.#scraped(name, `Deprecated, removed in the next release: ${SERVICE_PREFIX}${name}.`, ['topology'], () => redis(value))
    }
    this.#scraped(`${SERVICE_PREFIX}build_info`, 'Always 1: the running version of the service and of Node, as labels.',
      ['version', 'node_version'], () => [{ labels: { version: SERVICE_VERSION, node_version: process.versions.node }, value: 1 }])
    this.#scraped('wechatpay_circuit_open', '1 while a WeChat Pay host is skipped after repeated connection failures.', ['host'],
      () => sources.breakers().map(({ host, state }) => ({ labels: { host }, value: state === 'open' ? 1 : 0 })))
    this.#scraped('wechatpay_platform_certificate_expiry_timestamp_seconds',
      'Expiry of the newest WeChat Pay platform certificate (platform-certificate mode only).', [], () => {
        const expiry = sources.certificateExpiry()
        return expiry === undefined ? [] : [{ value: Math.floor(expiry.getTime() / 1000) }]
      })
  }

  #scraped (name: string, help: string, labelNames: string[], read: () => Reading[]): void {
    // eslint-disable-next-line no-new -- registered on construction, read at scrape time
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect () {
        this.reset()
        for (const { labels, value } of read()) {
          if (labels === undefined) this.set(value)
          else this.set(labels, value)
        }
      }
    })
  }

  upstreamAttempt (report: AttemptReport): void {
    this.upstreamDuration.observe(
      { host: report.host, endpoint: report.endpoint, outcome: report.outcome, wechat_code: report.wechatCode ?? '' },
      report.durationMs / 1000
    )
    if (report.attempt > 0) this.upstreamRetries.inc({ host: report.host })
    if (VERIFICATION_REASONS.has(report.outcome)) this.verificationFailures.inc({ reason: report.outcome })
  }

  budgetTake (take: BudgetTake): void {
    this.budgetTakes.inc({ outcome: take.outcome })
    if (take.outcome !== 'immediate') this.budgetWait.observe({ outcome: take.outcome }, take.waitedMs / 1000)
  }
}
