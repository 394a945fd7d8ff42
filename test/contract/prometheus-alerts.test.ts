import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { exportedSeriesNames, isStandardSeries, metricNamesIn } from '../helpers/metric-names.js'

// The alert rules shipped in deploy/prometheus/: valid for Prometheus (promtool check rules), each
// firing on its trouble and quiet when healthy (promtool test rules, alerts.test.yml), reading only
// series the service exports, judging each namespace apart, and linking to a runbook entry that exists
// by an absolute URL (clickable from Alertmanager, chat or a pager).

const dir = fileURLToPath(new URL('../../deploy/prometheus/', import.meta.url))
const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')

interface Rule {
  alert?: string
  record?: string
  expr: string
  for?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}
interface RuleTest { alertname: string, exp_alerts: unknown[] }

const allRules = (parse(read('deploy/prometheus/alerts.yml')) as { groups: Array<{ rules: Rule[] }> })
  .groups.flatMap((group) => group.rules)
const rules = allRules.filter((rule): rule is Rule & { alert: string } => rule.alert !== undefined)
const recorded = new Set(allRules.flatMap((rule) => rule.record ?? []))
const tests = (parse(read('deploy/prometheus/alerts.test.yml')) as { tests: Array<{ alert_rule_test?: RuleTest[] }> })
  .tests.flatMap((test) => test.alert_rule_test ?? [])

/** promtool's output, or an error that says what failed; a missing promtool is a failure, never a skip. */
function promtool (...args: string[]): string {
  try {
    return execFileSync('promtool', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (err) {
    const { code, stdout, stderr } = err as NodeJS.ErrnoException & { stdout?: string, stderr?: string }
    if (code === 'ENOENT') throw new Error('promtool is not installed: apt-get install prometheus')
    throw new Error(`promtool ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`)
  }
}

/** GitHub's anchors for a Markdown file's headings. */
function anchors (markdown: string): string[] {
  return [...markdown.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) =>
    (match[1] as string).trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-'))
}

describe('deploy/prometheus/alerts.yml', () => {
  it('passes promtool check rules', () => {
    expect(promtool('check', 'rules', 'alerts.yml')).toMatch(/SUCCESS: \d+ rules found/)
  })

  // The burn-rate cases evaluate every rule each minute over a day and more: about 20 s.
  it('passes its unit tests (promtool test rules alerts.test.yml)', { timeout: 120_000 }, () => {
    expect(promtool('test', 'rules', 'alerts.test.yml')).toMatch(/SUCCESS/)
  })

  it.each(rules.map((rule) => [rule.alert, rule] as const))('%s is tested firing and tested quiet', (alert) => {
    const cases = tests.filter((test) => test.alertname === alert)
    expect(cases.some((test) => test.exp_alerts.length > 0), 'a case where it fires').toBe(true)
    expect(cases.some((test) => test.exp_alerts.length === 0), 'a case where it stays quiet').toBe(true)
  })

  it.each(rules.map((rule) => [rule.alert, rule] as const))('%s links to its runbook entry, which exists', (_alert, rule) => {
    const url = new URL(rule.annotations?.runbook_url ?? '')
    expect(url.protocol).toBe('https:')
    const file = /(docs\/[\w-]+\.md)$/.exec(url.pathname)?.[1]
    expect(file, url.pathname).toBeDefined()
    expect(anchors(read(file as string))).toContain(url.hash.slice(1))
    expect(rule.labels?.severity).toMatch(/^(warning|critical)$/)
  })

  it('reads only series the service exports, and standard ones (up, kube-state-metrics)', async () => {
    const exported = await exportedSeriesNames()
    const read = allRules.flatMap((rule) => metricNamesIn(rule.expr))
    expect(read.length).toBeGreaterThan(allRules.length)
    expect(read.filter((name) => !exported.has(name) && !isStandardSeries(name) && !recorded.has(name))).toEqual([])
    // Deprecated names (kept at /metrics for one release) are read by no rule.
    expect(read.filter((name) => /^redis_/.test(name))).toEqual([])
  })

  const named = allRules.map((rule) => [rule.alert ?? rule.record, rule] as const)
  it.each(named)('%s aggregates by namespace and never by caller', (name, rule) => {
    // Every aggregation names its labels, namespace among them, and every vector match keeps it.
    const aggregations = [...rule.expr.matchAll(/\b(sum|min|max|avg|count)\s*(by\s*\(([^)]*)\))?\s*\(/g)]
    for (const [text, , by, labels] of aggregations) {
      expect(by, text).toBeDefined()
      expect((labels as string).split(',').map((label) => label.trim()), text).toContain('namespace')
      expect(labels, text).not.toMatch(/\bcaller\b/)
    }
    for (const [text, labels] of rule.expr.matchAll(/\bon\s*\(([^)]*)\)/g)) expect(labels, text).toMatch(/\bnamespace\b/)
    for (const [text] of rule.expr.matchAll(/\b(?:and|or|unless)\b(?!\s+on\b)/g)) {
      // A bare `and`/`or`/`unless` matches on every label, so it must join series of the same shape:
      // allowed only between recorded ratios or the SLO expressions, which share (namespace, route).
      const sloPair = /^Cards\w+BudgetBurning/.test(rule.alert ?? '')
      expect(sloPair || /absent_over_time/.test(rule.expr), `${text} in ${name}`).toBe(true)
    }
  })

  it('selects the service\'s series by the job prometheus.yml scrapes them as', () => {
    const config = parse(read('deploy/prometheus/prometheus.yml')) as { rule_files: string[], scrape_configs: Array<{ job_name: string }> }
    expect(config.rule_files).toEqual(['alerts.yml'])
    const job = config.scrape_configs[0]?.job_name
    for (const rule of rules) {
      for (const selector of rule.expr.match(/\b(?!kube_)[a-z_]+\{[^}]*\}/g) ?? []) expect(selector, rule.alert).toContain(`job="${job}"`)
    }
  })
})
