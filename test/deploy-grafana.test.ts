import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { type Dashboard, loadDashboards, REPO_ROOT } from './support/dashboards.ts'
import { readMetricCatalogue } from './support/metric-catalogue.ts'
import { adpulseMetricsIn } from './support/referenced-metrics.ts'

/** deploy/grafana: provisioning and dashboards an operator can read (their queries are run in observability.e2e). */
const readYaml = (path: string) => parse(readFileSync(join(REPO_ROOT, path), 'utf8'), { merge: true })
const datasources = readYaml('deploy/grafana/provisioning/datasources/prometheus.yml') as {
  datasources: Array<{ uid: string; type: string; url: string }>
}
const providers = readYaml('deploy/grafana/provisioning/dashboards/adpulse.yml') as {
  providers: Array<{ type: string; options: { path: string } }>
}
const compose = readYaml('docker-compose.yml') as {
  services: Record<string, { volumes?: string[] }>
}
const dashboards = loadDashboards()
const byFile = (file: string): Dashboard => {
  const found = dashboards.find((d) => d.file === file)
  if (!found) throw new Error(`no dashboard ${file}`)
  return found
}
const metricsOf = (d: Dashboard) =>
  new Set(d.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => adpulseMetricsIn(t.expr ?? ''))))

describe('deploy/grafana provisioning', () => {
  it('provisions the Prometheus of docker-compose.yml under the uid the dashboards use', () => {
    expect(datasources.datasources).toEqual([
      expect.objectContaining({
        uid: 'adpulse-prometheus',
        type: 'prometheus',
        url: 'http://prometheus:9090',
      }),
    ])
    expect(compose.services.prometheus).toBeDefined()
  })

  it('loads dashboards from where docker-compose.yml mounts them', () => {
    const [provider] = providers.providers
    expect(provider?.type).toBe('file')
    const mounts = compose.services.grafana?.volumes ?? []
    expect(mounts).toContain(`./deploy/grafana/dashboards:${provider?.options.path}:ro`)
    expect(mounts).toContain('./deploy/grafana/provisioning:/etc/grafana/provisioning:ro')
  })
})

describe('deploy/grafana dashboards', () => {
  it('are the pipeline health, channel performance and signals dashboards, each with a unique uid', () => {
    expect(dashboards.map((d) => d.file)).toEqual([
      'channel-performance.json',
      'pipeline-health.json',
      'signals.json',
    ])
    expect(new Set(dashboards.map((d) => d.uid)).size).toBe(dashboards.length)
  })

  for (const dashboard of dashboards) {
    it(`${dashboard.file}: every panel has a title, a unit, a description and a query on the provisioned datasource`, () => {
      expect(dashboard.panels.length).toBeGreaterThan(0)
      expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length)
      for (const panel of dashboard.panels) {
        const where = `${dashboard.file} panel ${panel.id} (${panel.title})`
        expect(panel.title, where).toBeTruthy()
        expect(panel.description?.length ?? 0, where).toBeGreaterThan(20)
        expect(panel.fieldConfig?.defaults?.unit, where).toBeTruthy()
        expect(panel.datasource?.uid, where).toBe('adpulse-prometheus')
        expect(panel.targets?.length ?? 0, where).toBeGreaterThan(0)
        for (const target of panel.targets ?? []) {
          expect(target.expr, where).toBeTruthy()
          expect(target.datasource?.uid, where).toBe('adpulse-prometheus')
        }
      }
      for (const variable of dashboard.templating?.list ?? []) {
        if (variable.type === 'query') expect(variable.datasource?.uid).toBe('adpulse-prometheus')
      }
    })

    it(`${dashboard.file}: queries only metrics the catalogue lists`, () => {
      const catalogued = new Set(readMetricCatalogue().map((m) => m.name))
      expect([...metricsOf(dashboard)].filter((m) => !catalogued.has(m))).toEqual([])
    })
  }

  it('pipeline health shows throughput, errors, latency, lag, freshness and dead letters', () => {
    expect([...metricsOf(byFile('pipeline-health.json'))]).toEqual(
      expect.arrayContaining([
        'adpulse_ingest_events_total',
        'adpulse_processor_events_total',
        'adpulse_http_requests_total',
        'adpulse_http_request_duration_seconds',
        'adpulse_processor_consumer_lag_messages',
        'adpulse_processor_newest_event_timestamp_seconds',
        'adpulse_dead_letters_total',
      ]),
    )
  })

  it('channel performance shows spend, revenue, ROI, ROAS, CTR and CVR per channel', () => {
    const dashboard = byFile('channel-performance.json')
    const titles = dashboard.panels.map((p) => p.title ?? '')
    for (const kpi of ['Spend', 'Revenue', 'ROI', 'ROAS', 'CTR', 'CVR']) {
      expect(titles.some((t) => t.startsWith(kpi) && t.endsWith('by channel'))).toBe(true)
    }
    expect([...metricsOf(dashboard)].sort()).toEqual([
      'adpulse_channel_clicks_total',
      'adpulse_channel_conversions_total',
      'adpulse_channel_impressions_total',
      'adpulse_channel_revenue_micros_total',
      'adpulse_channel_spend_micros_total',
    ])
  })

  it('signals shows signals by action and whether the alerter evaluates', () => {
    expect([...metricsOf(byFile('signals.json'))]).toEqual(
      expect.arrayContaining([
        'adpulse_alerter_signals_total',
        'adpulse_alerter_evaluations_total',
        'adpulse_alerter_last_success_timestamp_seconds',
      ]),
    )
  })
})
