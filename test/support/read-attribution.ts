import { createClickHouse } from '@adpulse/clickhouse'
import { loadConfig } from '@adpulse/config'

/**
 * Run as a process of its own by the attribution fault test after the last
 * processor exited (one chDB directory per process). Prints one JSON line: the
 * buckets' sums per channel, campaign and ad, and the shape of events_raw
 * (rows that carry progress, their offsets and ids; resolving rows per offset).
 */
const config = loadConfig()
const db = config.clickhouse.database
const client = await createClickHouse(config.clickhouse)
const select = async (query: string) =>
  (await client.query({ query, format: 'JSONEachRow' })).json<Record<string, unknown>>()
const sums = await select(
  `SELECT concat(channel, '/', campaign_id, '/', ad_id) AS key, sum(clicks) AS clicks,
      sum(conversions) AS conversions, toString(sum(revenue_micros)) AS revenue_micros,
      toString(sum(spend_micros)) AS spend_micros, sum(attributed_conversions) AS attributed
    FROM ${db}.kpi_buckets GROUP BY key HAVING clicks + conversions > 0 ORDER BY key`,
)
const [shape] = await select(
  `SELECT countIf(resolution = 0) AS rows, uniqExactIf((topic, partition, offset), resolution = 0) AS offsets,
      uniqExactIf((source, reported_campaign_id, event_id), resolution = 0) AS ids,
      countIf(resolution > 0) AS resolutions,
      uniqExactIf((topic, partition, offset), resolution > 0) AS resolved_offsets,
      countIf(attribution = 'waiting') AS waiting
    FROM ${db}.events_raw`,
)
await client.close()
process.stdout.write(`${JSON.stringify({ sums, shape })}\n`)
