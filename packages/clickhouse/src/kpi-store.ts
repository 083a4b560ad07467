import type { KpiSums, MinuteBucket, TimeRange } from '@adpulse/kpi'
import { campaignsQuery } from './campaign-list-query.ts'
import { toCount } from './client.ts'
import { DatabaseStore } from './database-store.ts'
import type {
  ActionSums,
  CampaignListRequest,
  CampaignPage,
  KpiPage,
  KpiRequest,
  KpiRow,
} from './kpi-request.ts'
import { keyFieldsOf, rankedKeysQuery, ranksKeysFirst, rowsQuery } from './kpi-rows-query.ts'

/** Where a set of bucket rows came from: one contiguous offset range of one partition. */
export interface BucketSource {
  topic: string
  partition: number
  firstOffset: string
  lastOffset: string
}

export type KpiGrouping = 'channel' | 'campaign' | 'ad'

export interface KpiSumsRow extends KpiSums {
  /** Σ value² of the conversions, micros². */
  revenue_squares: number
  /** Start of the hour or day bucket, epoch ms, when bucketing was asked for. */
  bucket_start?: number
  channel: string
  campaign_id?: string
  /** By ad only: '' for buckets of events without an ad. */
  ad_id?: string
}

/** Hourly or daily buckets in an IANA time zone (validated by the caller). */
export interface Bucketing {
  unit: 'hour' | 'day'
  timeZone: string
}

/**
 * KPI sums over the minute buckets of kpi_buckets, which a materialized view
 * fills from events_raw as the processor writes it (RawEventStore), and which
 * also holds buckets imported directly (insertBuckets: history for backtests and
 * tests) and those of versions before events_raw (folded in by migration 13).
 */
export class KpiStore extends DatabaseStore {
  /**
   * Imports the buckets of one offset range into kpi_buckets, next to those of
   * the raw events: their topic, partition and last offset count for where that
   * partition resumes (RawEventStore.newestOffset). The deduplication token is
   * derived from the range, so inserting the same range again changes nothing.
   * `adpulse rebuild` recomputes a day from events_raw alone: it drops imported
   * buckets of the days it rebuilds.
   */
  async insertBuckets(buckets: MinuteBucket[], source: BucketSource): Promise<void> {
    await this.insertRows(
      'kpi_buckets',
      buckets.map((b) => ({
        minute: Math.floor(b.minute / 1000),
        channel: b.channel,
        campaign_id: b.campaign_id,
        topic: source.topic,
        partition: source.partition,
        impressions: b.impressions,
        clicks: b.clicks,
        conversions: b.conversions,
        spend_micros: b.spend_micros.toString(),
        revenue_micros: b.revenue_micros.toString(),
        revenue_squares: b.revenue_squares,
        last_offset: source.lastOffset,
      })),
      {
        insert_deduplication_token: `${source.topic}/${source.partition}/${source.firstOffset}-${source.lastOffset}`,
      },
    )
  }

  /**
   * Sums over [from, to) grouped by channel, by channel and campaign, or by channel, campaign and ad; with
   * `bucketing`, also by hour or day in a time zone. Minute buckets of UTC add up
   * exactly into the days of any zone with whole-minute offsets (Asia/Tehran +03:30).
   * Reads kpi_buckets (sumsQuery).
   */
  async sums(range: TimeRange, by: KpiGrouping, bucketing?: Bucketing): Promise<KpiSumsRow[]> {
    const rows = await this.select(sumsQuery(this.database, by, bucketing), {
      from: Math.floor(range.from / 1000),
      to: Math.floor(range.to / 1000),
      ...(bucketing ? { tz: bucketing.timeZone } : {}),
    })
    return rows.map((row) => ({
      ...(bucketing ? { bucket_start: toCount(row.bucket_start) * 1000 } : {}),
      channel: String(row.channel),
      ...(by === 'channel' ? {} : { campaign_id: String(row.campaign_id) }),
      ...(by === 'ad' ? { ad_id: String(row.ad_id) } : {}),
      impressions: toCount(row.impressions),
      clicks: toCount(row.clicks),
      conversions: toCount(row.conversions),
      spend_micros: BigInt(String(row.spend_micros)),
      revenue_micros: BigInt(String(row.revenue_micros)),
      revenue_squares: Number(row.revenue_squares),
    }))
  }

  /**
   * One page of KPI rows grouped by any dimensions, filtered, sorted on any KPI
   * (GET /v1/kpis; the SQL and what `action` means: rowsQuery and KpiRequest).
   */
  async rows(request: KpiRequest): Promise<KpiPage> {
    const keys = keyFieldsOf(request)
    // A small sorted page: its keys ranked on the totals first, then only their rows (rankedKeysQuery).
    let pageKeys: string[][] | undefined
    if (ranksKeysFirst(request)) {
      const ranked = rankedKeysQuery(this.database, request)
      pageKeys = (await this.select(ranked.query, ranked.params)).map((row) =>
        keys.map((key) => String(row[key])),
      )
      if (pageKeys.length === 0) return { rows: [], more: false }
    }
    const { query, params } = rowsQuery(this.database, request, pageKeys)
    const rows = await this.select(query, params)
    const page = rows.slice(0, request.limit).map((row): KpiRow => {
      const out: KpiRow = {
        impressions: toCount(row.impressions),
        clicks: toCount(row.clicks),
        engagements: toCount(row.engagements),
        conversions: toCount(row.conversions),
        spend_micros: BigInt(String(row.spend_micros)),
        revenue_micros: BigInt(String(row.revenue_micros)),
        attributed_conversions: toCount(row.attributed_conversions),
        attributed_revenue_micros: BigInt(String(row.attributed_revenue_micros)),
        actions: (row.action_sums as string[][]).map(actionSums),
      }
      if (request.bucketing) out.bucket_start = toCount(row.bucket_start) * 1000
      for (const key of keys) out[key] = String(row[key])
      return out
    })
    return { rows: page, more: rows.length > request.limit }
  }

  /** The campaigns seen, with their ads and first and last event time, a page at a time (GET /v1/campaigns). */
  async campaigns(request: CampaignListRequest): Promise<CampaignPage> {
    const { query, params } = campaignsQuery(this.database, request)
    const rows = await this.select(query, params)
    return {
      rows: rows.slice(0, request.limit).map((row) => ({
        channel: String(row.channel),
        campaign_id: String(row.campaign_id),
        ads: (row.ads as unknown[]).map(String),
        first_event_at: toCount(row.first_ms),
        last_event_at: toCount(row.last_ms),
      })),
      more: rows.length > request.limit,
    }
  }
}

/** [action, conversions, engagements, revenue], all strings (rowsQuery's action_sums). */
const actionSums = ([action, conversions, engagements, revenue]: string[]): ActionSums => ({
  action: String(action),
  conversions: toCount(conversions),
  engagements: toCount(engagements),
  revenue_micros: BigInt(String(revenue)),
})

/**
 * The KPI query: the sums of kpi_buckets over whole minutes of event time,
 * grouped by channel (and campaign, and ad) and, with `bucketing`, by hour or day.
 */
export function sumsQuery(database: string, by: KpiGrouping, bucketing?: Bucketing): string {
  const keys = { channel: 'channel', campaign: 'channel, campaign_id', ad: 'channel, campaign_id, ad_id' }[by]
  const groups = bucketing === undefined ? keys : `bucket_start, ${keys}`
  const bucketStart =
    bucketing === undefined
      ? ''
      : `toUnixTimestamp(toStartOf${bucketing.unit === 'day' ? 'Day' : 'Hour'}(minute, {tz:String})) AS bucket_start,`
  // Inner aliases differ from the columns: an alias named spend_micros would be
  // substituted into its own sum.
  return `SELECT ${groups}, impressions, clicks, conversions,
      toString(spend) AS spend_micros, toString(revenue) AS revenue_micros, squares AS revenue_squares
    FROM (
      SELECT ${bucketStart} ${keys},
        sum(impressions) AS impressions, sum(clicks) AS clicks, sum(conversions) AS conversions,
        sum(spend_micros) AS spend, sum(revenue_micros) AS revenue, sum(revenue_squares) AS squares
      FROM ${database}.kpi_buckets
      WHERE minute >= toDateTime({from:UInt32}, 'UTC') AND minute < toDateTime({to:UInt32}, 'UTC')
      GROUP BY ${groups}
    )
    ORDER BY ${groups}`
}
