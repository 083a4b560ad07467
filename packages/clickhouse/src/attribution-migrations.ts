import { bucketsFromRawV3 } from './bucket-shapes.ts'
import type { Ddl } from './migration-ddl.ts'

/**
 * Last-click attribution by click_id (docs/attribution.md), steps 22–29.
 *
 * 22. events_raw keeps what a conversion reported beside what it is credited:
 *     channel, campaign_id and ad_id hold the credited keys (the buckets, rebuild,
 *     repair and audiences read those, unchanged); reported_* what the event said
 *     (DEFAULT: rows written before were credited to what they said). `attribution`
 *     is '' (not a conversion with a click_id), 'click', 'waiting' (not counted in
 *     the buckets yet) or 'unattributed'. `resolution` numbers, per partition, the
 *     insert that resolved a waiting conversion (0 on every other row), so a
 *     process killed between its raw part and its buckets is repaired (bucket-repair.ts).
 */
export const ATTRIBUTION_MIGRATIONS: ReadonlyArray<(db: string, ddl: Ddl) => string> = [
  (db, ddl) => `ALTER TABLE ${db}.events_raw${ddl.onCluster}
    ADD COLUMN IF NOT EXISTS reported_channel LowCardinality(String) DEFAULT channel,
    ADD COLUMN IF NOT EXISTS reported_campaign_id String DEFAULT campaign_id,
    ADD COLUMN IF NOT EXISTS reported_ad_id Nullable(String) DEFAULT ad_id,
    ADD COLUMN IF NOT EXISTS attribution LowCardinality(String) DEFAULT '',
    ADD COLUMN IF NOT EXISTS resolution UInt64 DEFAULT 0`,
  // 23. The buckets count the conversions and revenue credited by a click, and the
  //     newest resolution they summarise (repair compares it with events_raw's).
  (db, ddl) => `ALTER TABLE ${db}.kpi_buckets${ddl.onCluster}
    ADD COLUMN IF NOT EXISTS attributed_conversions UInt64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS attributed_revenue_micros Int128 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS last_resolution SimpleAggregateFunction(max, UInt64) DEFAULT 0`,
  // 24–28. Clicks by click_id, what a conversion is matched against: one query
  //     per slice (click_id IN …). Fed by a view of events_raw (25) and backfilled
  //     from it through a copy attached whole (26–28: every statement runs ON
  //     CLUSTER). A click there twice (written between 25 and 26, re-inserted by a
  //     repair, a step run again) is the same click: merged away in time, and
  //     harmless to the match before.
  (db, ddl) => `CREATE TABLE IF NOT EXISTS ${db}.clicks_by_id${ddl.onCluster} ${clicksTable(ddl)}`,
  (db, ddl) => `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.clicks_by_id_mv${ddl.onCluster}
    TO ${db}.clicks_by_id AS ${clicksFromRaw(db, '')}`,
  (db, ddl) =>
    `CREATE TABLE IF NOT EXISTS ${db}.clicks_by_id_backfill${ddl.onCluster} ${clicksTable(ddl)} AS ${clicksFromRaw(db, '')}`,
  (db, ddl) =>
    `ALTER TABLE ${db}.clicks_by_id${ddl.onCluster} ATTACH PARTITION tuple() FROM ${db}.clicks_by_id_backfill`,
  (db, ddl) => `DROP TABLE IF EXISTS ${db}.clicks_by_id_backfill${ddl.onCluster}`,
  // 29. The view moves to the buckets of version 3 (bucket-shapes.ts) in place, as step 18 did.
  (db, ddl) => `ALTER TABLE ${db}.kpi_buckets_mv${ddl.onCluster} MODIFY QUERY ${bucketsFromRawV3(db, '')}`,
]

/** The clicks of events_raw rows (`and`: more conditions, or empty), as clicks_by_id keeps them. */
export function clicksFromRaw(db: string, and: string): string {
  return `SELECT assumeNotNull(click_id) AS click_id, event_id, occurred_at, received_at, channel, campaign_id, ad_id
    FROM ${db}.events_raw WHERE type = 'click' AND click_id IS NOT NULL AND click_id != '' ${and}`
}

function clicksTable(ddl: Ddl): string {
  return `(
    click_id String,
    event_id String,
    occurred_at DateTime64(3, 'UTC'),
    received_at DateTime64(3, 'UTC'),
    channel LowCardinality(String),
    campaign_id String,
    ad_id Nullable(String)
  ) ENGINE = ${ddl.engine('ReplacingMergeTree')}
  ORDER BY (click_id, event_id)`
}
