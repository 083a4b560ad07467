import type { ClickHouseClient } from '@clickhouse/client'
import { ATTRIBUTION_MIGRATIONS } from './attribution-migrations.ts'
import { AUDIENCE_MIGRATIONS } from './audience-migrations.ts'
import { BucketRepair } from './bucket-repair.ts'
import { BUCKETS_V1, bucketsFromRawV1 } from './bucket-shapes.ts'
import { FORGOTTEN_BUCKETS_MIGRATIONS } from './forgotten-buckets.ts'
import { DETAIL_MIGRATIONS } from './kpi-detail-migrations.ts'
import { foldKpiMinute } from './kpi-minute-fold.ts'
import { type Ddl, ddlFor } from './migration-ddl.ts'
import { FENCE_MIGRATIONS } from './partition-fence.ts'
import { applyRawRetention } from './raw-retention.ts'
import { SIGNAL_AD_MIGRATIONS } from './signal-ad-migration.ts'

/** Where the schema lives: one server (the default, and chDB), or every replica of a cluster. */
export interface MigrationTarget {
  /**
   * `CLICKHOUSE_CLUSTER`: a cluster of the servers' `remote_servers`. Set, every
   * statement runs `ON CLUSTER` and tables use the Replicated engines without
   * arguments, so each server needs the `{shard}` and `{replica}` macros and
   * ClickHouse Keeper (docs/scaling.md). Unset, plain MergeTree on one server.
   */
  cluster?: string | undefined
  /**
   * `ADPULSE_RAW_RETENTION` in seconds, default 30 days: how long events_raw keeps
   * a row after its receipt. Must exceed the dedup horizon, or repeats older than
   * the retention could count again.
   */
  rawRetentionSeconds?: number | undefined
}

/** 30 days: the TTL events_raw is created with. */
export const DEFAULT_RAW_RETENTION_SECONDS = 30 * 24 * 3600

/**
 * The schema, in order. Append only: a published step never changes, since
 * `schema_migrations` records which steps a database already has.
 */
const MIGRATIONS: ReadonlyArray<(db: string, ddl: Ddl) => string> = [
  // 1. Minute buckets of event time per channel and campaign. Each insert carries
  //    the Kafka offsets it came from, and a deterministic insert_deduplication_token
  //    (non_replicated_deduplication_window, or replicated_ on a cluster) makes a
  //    replayed insert a no-op. Money is Int128 micros: sums stay exact far past 2^63.
  //    Superseded by kpi_buckets (8): step 13 folds its rows in and drops it.
  (db, ddl) => `CREATE TABLE IF NOT EXISTS ${db}.kpi_minute${ddl.onCluster} (
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
  ) ENGINE = ${ddl.engine('MergeTree')}
  PARTITION BY toYYYYMM(minute)
  ORDER BY (channel, campaign_id, minute)
  SETTINGS ${ddl.dedupWindow} = 10000`,
  // 2. Signals the alerter published, for GET /v1/signals. ReplacingMergeTree on
  //    the deterministic signal_id: a republished signal is one row.
  (db, ddl) => `CREATE TABLE IF NOT EXISTS ${db}.signals${ddl.onCluster} (
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
  ) ENGINE = ${ddl.engine('ReplacingMergeTree')}
  ORDER BY signal_id`,
  // 3. Σ value² of the conversions per bucket: what the alerter's revenue interval
  //    needs (docs/decisions.md). A double: only its square root matters.
  (db, ddl) => `ALTER TABLE ${db}.kpi_minute${ddl.onCluster}
    ADD COLUMN IF NOT EXISTS revenue_squares Float64 DEFAULT 0 AFTER revenue_micros`,
  // 4. How far each partition of the events topic is written to ClickHouse: the
  //    processor records, per partition, the last time it had committed everything
  //    the broker held. The alerter decides only on windows that end before then.
  (db, ddl) => `CREATE TABLE IF NOT EXISTS ${db}.pipeline_progress${ddl.onCluster} (
    topic LowCardinality(String),
    partition UInt32,
    committed_offset Int64,
    high_watermark Int64,
    complete_through DateTime64(3, 'UTC'),
    updated_at DateTime64(3, 'UTC')
  ) ENGINE = ${ddl.engine('ReplacingMergeTree')}(updated_at)
  ORDER BY (topic, partition)`,
  // 5. The alerter's memory per rule and entity (hysteresis state, cooldown, cap),
  //    so that a restarted or newly elected alerter neither repeats nor forgets.
  (db, ddl) => `CREATE TABLE IF NOT EXISTS ${db}.alerter_state${ddl.onCluster} (
    rule String,
    entity String,
    active UInt8,
    last_signal_at Nullable(DateTime64(3, 'UTC')),
    total_change_pct UInt32,
    updated_at DateTime64(3, 'UTC')
  ) ENGINE = ${ddl.engine('ReplacingMergeTree')}(updated_at)
  ORDER BY (rule, entity)`,
  // 6. Signal schema v2: the rule's conditions and confidence; ROI thresholds may be
  //    absent (a rule on another KPI), stored as NULL.
  (db, ddl) => `ALTER TABLE ${db}.signals${ddl.onCluster}
    MODIFY COLUMN cut_below_roi Nullable(Float64),
    MODIFY COLUMN scale_above_roi Nullable(Float64),
    ADD COLUMN IF NOT EXISTS condition String DEFAULT '',
    ADD COLUMN IF NOT EXISTS exit_condition String DEFAULT '',
    ADD COLUMN IF NOT EXISTS confidence Float64 DEFAULT 0`,
  // 7. One row per counted event, with the Kafka offset it came from: the truth the
  //    KPIs are read from (docs/exactly-once.md). PARTITION BY tuple() makes one
  //    INSERT one part, so a batch and its offsets land together or not at all; the
  //    newest offset of a partition is where a restarted processor resumes. The
  //    projection keeps minute sums inside each part (as atomic as the rows) for
  //    the KPI queries. The TTL is set from ADPULSE_RAW_RETENTION by migrate().
  (db, ddl) => `CREATE TABLE IF NOT EXISTS ${db}.events_raw${ddl.onCluster} (
    event_id String,
    source LowCardinality(String),
    type LowCardinality(String),
    occurred_at DateTime64(3, 'UTC'),
    channel LowCardinality(String),
    campaign_id String,
    action LowCardinality(String),
    cost_micros Int128,
    value_micros Int128,
    currency LowCardinality(String),
    received_at DateTime64(3, 'UTC'),
    topic LowCardinality(String),
    partition UInt32,
    offset UInt64,
    PROJECTION by_minute (
      SELECT toStartOfMinute(occurred_at) AS minute, channel, campaign_id,
        countIf(type = 'impression'), countIf(type = 'click'), countIf(type = 'conversion'),
        sum(cost_micros), sum(value_micros), sum(pow(toFloat64(value_micros), 2))
      GROUP BY minute, channel, campaign_id
    )
  ) ENGINE = ${ddl.engine('MergeTree')}
  PARTITION BY tuple()
  ORDER BY (topic, partition, offset)
  TTL toDateTime(received_at) + toIntervalSecond(${DEFAULT_RAW_RETENTION_SECONDS})
  SETTINGS ${ddl.dedupWindow} = 10000`,
  // 8–10: the minute buckets become a table of their own, fed by a materialized
  // view of events_raw. They outlive the raw retention, and `adpulse rebuild`
  // recomputes them from events_raw (bucket-repair.ts). Rows carry the Kafka
  // partition and the newest offset they summarise: a bucket row per partition,
  // so a restarted processor can tell whether its last insert reached them.
  (db, ddl) => `CREATE TABLE IF NOT EXISTS ${db}.kpi_buckets${ddl.onCluster} (
    minute DateTime('UTC'),
    channel LowCardinality(String),
    campaign_id String,
    topic LowCardinality(String),
    partition UInt32,
    impressions UInt64,
    clicks UInt64,
    conversions UInt64,
    spend_micros Int128,
    revenue_micros Int128,
    revenue_squares Float64,
    last_offset SimpleAggregateFunction(max, UInt64),
    PROJECTION newest_offsets (SELECT topic, partition, max(last_offset) GROUP BY topic, partition)
  ) ENGINE = ${ddl.engine('SummingMergeTree')}
  PARTITION BY toYYYYMMDD(minute)
  ORDER BY (channel, campaign_id, minute, topic, partition)
  SETTINGS ${ddl.dedupWindow} = 10000, deduplicate_merge_projection_mode = 'rebuild'`,
  (db, ddl) => `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.kpi_buckets_mv${ddl.onCluster}
    TO ${db}.kpi_buckets AS ${bucketsFromRawV1(db, '')}`,
  (db, ddl) => `ALTER TABLE ${db}.events_raw${ddl.onCluster} DROP PROJECTION IF EXISTS by_minute`,
  // 11. Exchange rates to the reporting currency by UTC day (docs/currencies.md),
  //     loaded by `adpulse rates import` and read by every processor. Decimal(38, 18)
  //     holds a rate exactly as imported; ReplacingMergeTree on (currency, day) with
  //     updated_at makes an import of a day replace it (readers take the newest).
  (db, ddl) => `CREATE TABLE IF NOT EXISTS ${db}.currency_rates${ddl.onCluster} (
    currency LowCardinality(String),
    day Date,
    rate Decimal(38, 18),
    updated_at DateTime64(3, 'UTC')
  ) ENGINE = ${ddl.engine('ReplacingMergeTree')}(updated_at)
  ORDER BY (currency, day)`,
  // 12. An event's money as it was sent. `currency`, `cost_micros` and `value_micros`
  //     are in the reporting currency (what the KPIs sum); these keep the original
  //     currency and amounts. original_cost_micros is NULL when the pricing model
  //     priced the event. Rows written before were all in the reporting currency.
  (db, ddl) => `ALTER TABLE ${db}.events_raw${ddl.onCluster}
    ADD COLUMN IF NOT EXISTS original_currency LowCardinality(String) DEFAULT currency AFTER currency,
    ADD COLUMN IF NOT EXISTS original_cost_micros Nullable(Int128) DEFAULT cost_micros AFTER original_currency,
    ADD COLUMN IF NOT EXISTS original_value_micros Int128 DEFAULT value_micros AFTER original_cost_micros`,
  // 13. kpi_minute (step 1) is gone: migrate() folds its rows into kpi_buckets
  //     (foldKpiMinute) right before this step, which finishes a fold's drop on
  //     every server of a cluster. The KPIs and the resume offsets read kpi_buckets alone.
  (db, ddl) => `DROP TABLE IF EXISTS ${db}.kpi_minute${ddl.onCluster}`,
  // 14–15. The writer fence of events_raw: one writer per partition, even past a rebalance.
  ...FENCE_MIGRATIONS.map((step) => (db: string, ddl: Ddl) => step(db, ddl.onCluster)),
  // 16. Nothing an event carries is dropped: ad, click and user ids, NULL when none (as AdEvent).
  (db, ddl) => `ALTER TABLE ${db}.events_raw${ddl.onCluster}
    ADD COLUMN IF NOT EXISTS ad_id Nullable(String) AFTER campaign_id,
    ADD COLUMN IF NOT EXISTS click_id Nullable(String) AFTER ad_id,
    ADD COLUMN IF NOT EXISTS user_id Nullable(String) AFTER click_id`,
  // 17–18 kpi_buckets detail, 19–20 audiences, deletions, 21 signals.ad_id, 22–29 attribution,
  // 30 kpi_forgotten (after 22–29: it copies kpi_buckets' columns): each in its own file.
  ...DETAIL_MIGRATIONS.map((step) => (db: string, ddl: Ddl) => step(db, ddl.onCluster)),
  ...AUDIENCE_MIGRATIONS,
  ...SIGNAL_AD_MIGRATIONS.map((step) => (db: string, ddl: Ddl) => step(db, ddl.onCluster)),
  ...ATTRIBUTION_MIGRATIONS,
  ...FORGOTTEN_BUCKETS_MIGRATIONS,
]

/** Step 8 creates kpi_buckets (a database reaching it is backfilled from events_raw), 13 drops kpi_minute (folded in first). */
const [BUCKETS_VERSION, FOLD_VERSION] = [8, 13]

/** The database and the table of applied versions, created before any step. */
function setupStatements(db: string, ddl: Ddl): string[] {
  return [
    `CREATE DATABASE IF NOT EXISTS ${db}${ddl.onCluster}`,
    `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations${ddl.onCluster} (
      version UInt32, applied_at DateTime('UTC') DEFAULT now()
    ) ENGINE = ${ddl.engine('ReplacingMergeTree')} ORDER BY version`,
  ]
}

/** Every statement of the schema for a target, in order: what migrate() runs on a new database. */
export function schemaStatements(database: string, target: MigrationTarget = {}): string[] {
  const ddl = ddlFor(target)
  return [...setupStatements(database, ddl), ...MIGRATIONS.map((step) => step(database, ddl))]
}

/** Creates the database and applies the steps it does not have yet. Safe to run from every instance. */
export async function migrate(
  client: ClickHouseClient,
  database: string,
  target: MigrationTarget = {},
): Promise<number> {
  const ddl = ddlFor(target)
  for (const query of setupStatements(database, ddl)) await client.command({ query })
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
    if (version === FOLD_VERSION) {
      // Backfilled before the fold: a backfill rebuilds whole days from events_raw alone.
      if (current < BUCKETS_VERSION) await backfillBuckets(client, database)
      await foldKpiMinute(client, database, ddl.onCluster)
    }
    await client.command({ query: step(database, ddl) })
    await client.insert({
      table: `${database}.schema_migrations`,
      values: [{ version }],
      format: 'JSONEachRow',
    })
    applied++
  }
  await applyRawRetention(
    client,
    database,
    ddl.onCluster,
    target.rawRetentionSeconds ?? DEFAULT_RAW_RETENTION_SECONDS,
  )
  return applied
}

/** Events written before the buckets table existed: their buckets, day by day. */
async function backfillBuckets(client: ClickHouseClient, database: string): Promise<void> {
  // kpi_buckets is still of version 1 here (step 13): its SELECT, not the current one.
  const repair = new BucketRepair(client, database, BUCKETS_V1, false)
  for (const day of await repair.daysWithRawEvents()) await repair.rebuildDay(day)
}
