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
  channel: string
  campaign_id?: string
}

/** Reads and writes minute buckets. */
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

  /** Sums over [from, to) grouped by channel, or by channel and campaign. */
  async sums(range: TimeRange, by: KpiGrouping): Promise<KpiSumsRow[]> {
    const keys = by === 'campaign' ? 'channel, campaign_id' : 'channel'
    const result = await this.client.query({
      query: `SELECT ${keys},
          sum(impressions) AS impressions,
          sum(clicks) AS clicks,
          sum(conversions) AS conversions,
          toString(sum(spend_micros)) AS spend_micros,
          toString(sum(revenue_micros)) AS revenue_micros
        FROM ${this.database}.kpi_minute
        WHERE minute >= toDateTime({from:UInt32}, 'UTC') AND minute < toDateTime({to:UInt32}, 'UTC')
        GROUP BY ${keys}
        ORDER BY ${keys}`,
      query_params: { from: Math.floor(range.from / 1000), to: Math.floor(range.to / 1000) },
      format: 'JSONEachRow',
    })
    const rows = await result.json<Record<string, unknown>>()
    return rows.map((row) => ({
      channel: String(row.channel),
      ...(by === 'campaign' ? { campaign_id: String(row.campaign_id) } : {}),
      impressions: toCount(row.impressions),
      clicks: toCount(row.clicks),
      conversions: toCount(row.conversions),
      spend_micros: BigInt(String(row.spend_micros)),
      revenue_micros: BigInt(String(row.revenue_micros)),
    }))
  }
}
