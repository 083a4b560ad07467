import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { REPO_ROOT } from './support/dashboards.ts'
import { readMetricCatalogue } from './support/metric-catalogue.ts'
import { promtool } from './support/prometheus-server.ts'
import { adpulseMetricsIn } from './support/referenced-metrics.ts'

/** deploy/prometheus: the scrape config, the alerting rules and their unit tests, checked by promtool. */
const DIR = join(REPO_ROOT, 'deploy/prometheus')
const yamlFiles = (sub: string) =>
  readdirSync(join(DIR, sub))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => join(sub, f))

interface AlertRule {
  alert?: string
  expr: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}
const rules: AlertRule[] = yamlFiles('rules').flatMap((file) =>
  (parse(readFileSync(join(DIR, file), 'utf8')) as { groups: Array<{ rules: AlertRule[] }> }).groups.flatMap(
    (g) => g.rules,
  ),
)

describe('deploy/prometheus', () => {
  it('has a valid configuration (promtool check config), rule files included', () => {
    const { status, output } = promtool(['check', 'config', 'prometheus.yml'], DIR)
    expect(output).toContain('SUCCESS')
    expect(status, output).toBe(0)
  })

  it('has valid alerting rules (promtool check rules)', () => {
    const { status, output } = promtool(['check', 'rules', ...yamlFiles('rules')], DIR)
    expect(status, output).toBe(0)
  })

  it('passes the rules unit tests (promtool test rules)', () => {
    const { status, output } = promtool(['test', 'rules', ...yamlFiles('tests')], DIR)
    expect(status, output).toBe(0)
  })

  it('has the alerts operators need, each with a severity, a summary and a description', () => {
    expect(rules.map((r) => r.alert).sort()).toEqual(
      expect.arrayContaining([
        'AdpulseAlerterStale',
        'AdpulseConsumerLagGrowing',
        'AdpulseDeadLetterRateHigh',
        'AdpulseIngestErrorRatioHigh',
        'AdpulsePipelineStalled',
      ]),
    )
    for (const rule of rules) {
      expect(['critical', 'warning'], rule.alert).toContain(rule.labels?.severity)
      expect(rule.annotations?.summary, rule.alert).toBeTruthy()
      expect(rule.annotations?.description, rule.alert).toBeTruthy()
    }
  })

  it('shows every alert firing in at least one unit test', () => {
    interface RuleTest {
      alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }>
    }
    const fired = new Set(
      yamlFiles('tests').flatMap((file) =>
        (parse(readFileSync(join(DIR, file), 'utf8')) as { tests: RuleTest[] }).tests.flatMap((t) =>
          (t.alert_rule_test ?? []).filter((a) => (a.exp_alerts ?? []).length > 0).map((a) => a.alertname),
        ),
      ),
    )
    expect([...fired].sort()).toEqual(rules.map((r) => r.alert).sort())
  })

  it('uses only metrics the catalogue lists', () => {
    const catalogued = new Set(readMetricCatalogue().map((m) => m.name))
    const unknown = rules.flatMap((r) => adpulseMetricsIn(r.expr).filter((m) => !catalogued.has(m)))
    expect(unknown).toEqual([])
  })
})
