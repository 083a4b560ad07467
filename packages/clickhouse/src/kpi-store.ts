import type { KpiSums, MinuteBucket, TimeRange } from '@adpulse/kpi'
import type { ClickHouseClient } from '@clickhouse/client'
import { toCount } from './client.ts'

/** Where a set of bucket rows came from: one contiguous offset range of one partition. */
export interface BucketSource {
  topic: string
  partition: number
  firstOffset: string
  lastOffset: string
}

export type KpiGrouping = 'channel' | 'campaign'

export interface KpiSumsRow extends KpiSums {
  /** Σ value² of the conversions, micros². */
  revenue_squares: number
  /** Start of the hour or day bucket, epoch ms, when bucketing was asked for. */
  bucket_start?: number
  channel: string
  campaign_id?: string
}

/** Hourly or daily buckets in an IANA time zone (validated by the caller). */
export interface Bucketing {
  unit: 'hour' | 'day'
  timeZone: string
}

/**
 * KPI sums over the minute buckets: kpi_buckets, which a materialized view
 * fills from events_raw as the processor writes it (RawEventStore), and
 * kpi_minute, the buckets imported directly (history imports, backtests) or
 * written by versions before events_raw. insertBuckets writes kpi_minute.
 */
export class KpiStore {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  /**
   * Inserts the buckets of one offset range. The deduplication token is derived
   * from the range, so inserting the same range again changes nothing.
   */
  async insertBuckets(buckets: MinuteBucket[], source: BucketSource): Promise<void> {
    if (buckets.length === 0) return
    await this.client.insert({
      table: `${this.database}.kpi_minute`,
      format: 'JSONEachRow',
      values: buckets.map((b) => ({
        minute: Math.floor(b.minute / 1000),
        channel: b.channel,
        campaign_id: b.campaign_id,
        impressions: b.impressions,
        clicks: b.clicks,
        conversions: b.conversions,
        spend_micros: b.spend_micros.toString(),
        revenue_micros: b.revenue_micros.toString(),
        revenue_squares: b.revenue_squares,
        source_topic: source.topic,
        source_partition: source.partition,
        first_offset: source.firstOffset,
        last_offset: source.lastOffset,
      })),
      clickhouse_settings: {
        insert_deduplication_token: `${source.topic}/${source.partition}/${source.firstOffset}-${source.lastOffset}`,
      },
    })
  }

  /**
   * Sums over [from, to) grouped by channel, or by channel and campaign; with
   * `bucketing`, also by hour or day in a time zone. Minute buckets of UTC add up
   * exactly into the days of any zone with whole-minute offsets (Asia/Tehran +03:30).
   * Reads kpi_buckets and kpi_minute (sumsQuery).
   */
  async sums(range: TimeRange, by: KpiGrouping, bucketing?: Bucketing): Promise<KpiSumsRow[]> {
    const result = await this.client.query({
      query: sumsQuery(this.database, by, bucketing),
      query_params: {
        from: Math.floor(range.from / 1000),
        to: Math.floor(range.to / 1000),
        ...(bucketing ? { tz: bucketing.timeZone } : {}),
      },
      format: 'JSONEachRow',
    })
    const rows = await result.json<Record<string, unknown>>()
    return rows.map((row) => ({
      ...(bucketing ? { bucket_start: toCount(row.bucket_start) * 1000 } : {}),
      channel: String(row.channel),
      ...(by === 'campaign' ? { campaign_id: String(row.campaign_id) } : {}),
      impressions: toCount(row.impressions),
      clicks: toCount(row.clicks),
      conversions: toCount(row.conversions),
      spend_micros: BigInt(String(row.spend_micros)),
      revenue_micros: BigInt(String(row.revenue_micros)),
      revenue_squares: Number(row.revenue_squares),
    }))
  }
}

/**
 * The KPI query: the sums of both bucket tables over whole minutes of event
 * time, grouped by channel (and campaign) and, with `bucketing`, by hour or day.
 */
export function sumsQuery(database: string, by: KpiGrouping, bucketing?: Bucketing): string {
  const keys = by === 'campaign' ? 'channel, campaign_id' : 'channel'
  const groups = bucketing === undefined ? keys : `bucket_start, ${keys}`
  const bucketStart =
    bucketing === undefined
      ? ''
      : `toUnixTimestamp(toStartOf${bucketing.unit === 'day' ? 'Day' : 'Hour'}(minute, {tz:String})) AS bucket_start,`
  const sumsOf = (table: string) =>
    `SELECT ${bucketStart} ${keys},
        sum(impressions) AS impressions, sum(clicks) AS clicks, sum(conversions) AS conversions,
        sum(spend_micros) AS spend, sum(revenue_micros) AS revenue, sum(revenue_squares) AS squares
      FROM ${database}.${table}
      WHERE minute >= toDateTime({from:UInt32}, 'UTC') AND minute < toDateTime({to:UInt32}, 'UTC')
      GROUP BY ${groups}`
  return `SELECT ${groups},
      sum(impressions) AS impressions,
      sum(clicks) AS clicks,
      sum(conversions) AS conversions,
      toString(sum(spend)) AS spend_micros,
      toString(sum(revenue)) AS revenue_micros,
      sum(squares) AS revenue_squares
    FROM (${sumsOf('kpi_buckets')} UNION ALL ${sumsOf('kpi_minute')})
    GROUP BY ${groups}
    ORDER BY ${groups}`
}
