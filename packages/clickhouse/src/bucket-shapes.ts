/**
 * The SELECTs that make minute buckets of events_raw rows, one per shape
 * kpi_buckets has had. The materialized view runs the current one on every
 * INSERT into events_raw; rebuild and repair run the same one, so a rebuilt
 * bucket equals a streamed one. A published shape never changes: a new shape is
 * a new SELECT, and a migration step that moves the view to it.
 */
export interface BucketShape {
  /** The kpi_buckets columns the SELECT yields, in its order: what an INSERT … SELECT names. */
  readonly columns: readonly string[]
  /** The buckets of the events_raw rows matching `where` (a WHERE clause, or empty). */
  select(db: string, where: string): string
  /** The events a set of bucket rows summarises, summed over kpi_buckets: rebuild compares it with events_raw's count(). */
  readonly events: string
  /** The condition of the events_raw rows the shape counts, when not all (rebuild compares their totals). */
  readonly counted?: string
}

/**
 * Version 1 (migration step 9): per channel, campaign, minute and Kafka
 * partition. What a database runs until step 18, and what the backfill of an
 * upgrade from before step 8 writes (step 13, when kpi_buckets has no more columns).
 */
export function bucketsFromRawV1(db: string, where: string): string {
  return `SELECT toStartOfMinute(occurred_at) AS minute, channel, campaign_id, topic, partition,
      countIf(type = 'impression') AS impressions, countIf(type = 'click') AS clicks,
      countIf(type = 'conversion') AS conversions, sum(cost_micros) AS spend_micros,
      sum(value_micros) AS revenue_micros, sum(pow(toFloat64(value_micros), 2)) AS revenue_squares,
      max(offset) AS last_offset
    FROM ${db}.events_raw ${where}
    GROUP BY minute, channel, campaign_id, topic, partition`
}

/**
 * Version 2 (steps 17–18): also per ad ('' for none), action ('' on impressions
 * and clicks: only conversions and engagements carry one) and source, with the
 * engagements and the event times of the first and last event summarised.
 */
export function bucketsFromRaw(db: string, where: string): string {
  // Self-named aliases are the columns kpi_buckets receives (the view maps by name).
  return `SELECT toStartOfMinute(occurred_at) AS minute, channel, campaign_id, topic, partition,
      ifNull(ad_id, '') AS ad_id, if(type IN ('impression', 'click'), '', action) AS action, source,
      countIf(type = 'impression') AS impressions, countIf(type = 'click') AS clicks,
      countIf(type = 'conversion') AS conversions, countIf(type = 'engagement') AS engagements,
      sum(cost_micros) AS spend_micros, sum(value_micros) AS revenue_micros,
      sum(pow(toFloat64(value_micros), 2)) AS revenue_squares, max(offset) AS last_offset,
      min(occurred_at) AS first_event_at, max(occurred_at) AS last_event_at
    FROM ${db}.events_raw ${where}
    GROUP BY minute, channel, campaign_id, topic, partition, ad_id, action, source`
}

/**
 * Version 3 (attribution, attribution-migrations.ts): version 2 without the
 * conversions still waiting for their click (counted once resolved, by the row
 * that resolves them), with the conversions and revenue credited by a click and
 * the newest resolution summarised.
 */
export function bucketsFromRawV3(db: string, where: string): string {
  return `SELECT toStartOfMinute(occurred_at) AS minute, channel, campaign_id, topic, partition,
      ifNull(ad_id, '') AS ad_id, if(type IN ('impression', 'click'), '', action) AS action, source,
      countIf(type = 'impression') AS impressions, countIf(type = 'click') AS clicks,
      countIf(type = 'conversion') AS conversions, countIf(type = 'engagement') AS engagements,
      sum(cost_micros) AS spend_micros, sum(value_micros) AS revenue_micros,
      sum(pow(toFloat64(value_micros), 2)) AS revenue_squares, max(offset) AS last_offset,
      min(occurred_at) AS first_event_at, max(occurred_at) AS last_event_at,
      countIf(type = 'conversion' AND attribution = 'click') AS attributed_conversions,
      sumIf(value_micros, attribution = 'click') AS attributed_revenue_micros,
      max(resolution) AS last_resolution
    FROM ${db}.events_raw ${where === '' ? 'WHERE' : `${where} AND`} ${COUNTED}
    GROUP BY minute, channel, campaign_id, topic, partition, ad_id, action, source`
}

/** The events_raw rows the buckets of version 3 count: all but the conversions waiting for their click. */
const COUNTED = "attribution != 'waiting'"

export const BUCKETS_V1: BucketShape = {
  columns: [
    'minute',
    'channel',
    'campaign_id',
    'topic',
    'partition',
    'impressions',
    'clicks',
    'conversions',
    'spend_micros',
    'revenue_micros',
    'revenue_squares',
    'last_offset',
  ],
  select: bucketsFromRawV1,
  events: 'impressions + clicks + conversions',
}

/** Version 2 (steps 17–18 until the attribution steps). */
export const BUCKETS_V2: BucketShape = {
  columns: [
    'minute',
    'channel',
    'campaign_id',
    'topic',
    'partition',
    'ad_id',
    'action',
    'source',
    'impressions',
    'clicks',
    'conversions',
    'engagements',
    'spend_micros',
    'revenue_micros',
    'revenue_squares',
    'last_offset',
    'first_event_at',
    'last_event_at',
  ],
  select: bucketsFromRaw,
  events: 'impressions + clicks + conversions + engagements',
}

/** The current shape: what the view, `adpulse rebuild` and the repair of a partition's tail write. */
export const BUCKETS: BucketShape = {
  columns: [...BUCKETS_V2.columns, 'attributed_conversions', 'attributed_revenue_micros', 'last_resolution'],
  select: bucketsFromRawV3,
  events: BUCKETS_V2.events,
  counted: COUNTED,
}

/** `INSERT INTO table (columns) SELECT …`: the columns named, so the table's column order does not matter. */
export const insertBuckets = (shape: BucketShape, db: string, table: string, where: string): string =>
  `INSERT INTO ${table} (${shape.columns.join(', ')}) ${shape.select(db, where)}`
