import { createClickHouse, KpiStore } from '@adpulse/clickhouse'
import { loadConfig } from '@adpulse/config'

/**
 * Run as a process of its own by the fault test, after the last processor
 * exited: embedded chDB opens one data directory per process, and the test's
 * process already holds the run's. Prints one JSON line: the KPI sums per
 * campaign over [argv from, argv to), and the shape of events_raw.
 */
const [from, to] = process.argv.slice(2).map(Number)
const config = loadConfig()
const client = await createClickHouse(config.clickhouse)
const kpis = await new KpiStore(client, config.clickhouse.database).sums(
  { from: from ?? 0, to: to ?? Date.now() },
  'campaign',
)
const result = await client.query({
  query: `SELECT count() AS rows, uniqExact(topic, partition, offset) AS offsets,
      uniqExact(source, campaign_id, event_id) AS ids
    FROM ${config.clickhouse.database}.events_raw`,
  format: 'JSONEachRow',
})
const [shape] = await result.json<Record<string, unknown>>()
await client.close()
process.stdout.write(
  `${JSON.stringify({
    rows: kpis.map((r) => ({
      ...r,
      spend_micros: String(r.spend_micros),
      revenue_micros: String(r.revenue_micros),
    })),
    shape: { rows: Number(shape?.rows), offsets: Number(shape?.offsets), ids: Number(shape?.ids) },
  })}\n`,
)
