import type { ClickHouseClient } from '@clickhouse/client'

/**
 * The schema, in order. Append only: a published step never changes, since
 * `schema_migrations` records which steps a database already has.
 */
const MIGRATIONS: ReadonlyArray<(db: string) => string> = [
  // 1. Minute buckets of event time per channel and campaign. Each insert carries
  //    the Kafka offsets it came from, and a deterministic insert_deduplication_token
  //    (non_replicated_deduplication_window) makes a replayed insert a no-op.
  //    Money is Int128 micros: sums stay exact far past 2^63.
  (db) => `CREATE TABLE IF NOT EXISTS ${db}.kpi_minute (
    minute DateTime('UTC'),
    channel LowCardinality(String),
    campaign_id String,
    impressions UInt64,
    clicks UInt64,
    conversions UInt64,
    spend_micros Int128,
    revenue_micros Int128,
    source_topic LowCardinality(String),
    source_partition UInt32,
    first_offset UInt64,
    last_offset UInt64,
    inserted_at DateTime64(3, 'UTC') DEFAULT now64(3)
  ) ENGINE = MergeTree
  PARTITION BY toYYYYMM(minute)
  ORDER BY (channel, campaign_id, minute)
  SETTINGS non_replicated_deduplication_window = 10000`,
  // 2. Signals the alerter published, for GET /v1/signals. ReplacingMergeTree on
  //    the deterministic signal_id: a republished signal is one row.
  (db) => `CREATE TABLE IF NOT EXISTS ${db}.signals (
    signal_id String,
    action LowCardinality(String),
    scope LowCardinality(String),
    channel String,
    campaign_id Nullable(String),
    rule String,
    window_from DateTime64(3, 'UTC'),
    window_to DateTime64(3, 'UTC'),
    spend_micros Int128,
    revenue_micros Int128,
    conversions UInt64,
    roi Nullable(Float64),
    roi_lower Nullable(Float64),
    roi_upper Nullable(Float64),
    cut_below_roi Float64,
    scale_above_roi Float64,
    min_spend_micros Int128,
    budget_change_pct Int32,
    created_at DateTime64(3, 'UTC')
  ) ENGINE = ReplacingMergeTree
  ORDER BY signal_id`,
]

/** Creates the database and applies the steps it does not have yet. Safe to run from every instance. */
export async function migrate(client: ClickHouseClient, database: string): Promise<number> {
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` })
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${database}.schema_migrations (
      version UInt32, applied_at DateTime('UTC') DEFAULT now()
    ) ENGINE = ReplacingMergeTree ORDER BY version`,
  })
  const result = await client.query({
    query: `SELECT max(version) AS version FROM ${database}.schema_migrations`,
    format: 'JSONEachRow',
  })
  const [row] = await result.json<{ version: number | string }>()
  const current = Number(row?.version ?? 0)
  let applied = 0
  for (let version = current + 1; version <= MIGRATIONS.length; version++) {
    const step = MIGRATIONS[version - 1]
    if (!step) break
    await client.command({ query: step(database) })
    await client.insert({
      table: `${database}.schema_migrations`,
      values: [{ version }],
      format: 'JSONEachRow',
    })
    applied++
  }
  return applied
}
