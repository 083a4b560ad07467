import { toCount } from './client.ts'
import { DatabaseStore } from './database-store.ts'

/** A click as clicks_by_id keeps it: what a conversion with its click_id is matched against. */
export interface ClickRow {
  event_id: string
  click_id: string
  occurred_at: number
  received_at: number
  channel: string
  campaign_id: string
  ad_id: string | null
}

/**
 * A conversion written as waiting for its click and not resolved yet: what the
 * partition's owner needs to write the row that resolves it (the same event,
 * its offset, what it reported; money as events_raw holds it).
 */
export interface WaitingRow {
  event_id: string
  source: string
  occurred_at: number
  received_at: number
  click_id: string
  user_id: string | null
  action: string
  /** What the conversion reported: its channel and campaign ('' when the postback carried only a click_id) and ad. */
  channel: string
  campaign_id: string
  ad_id: string | null
  cost_micros: bigint
  value_micros: bigint
  currency: string
  original_currency: string
  original_cost_micros: bigint | null
  original_value_micros: bigint
  offset: string
}

/** Conversions and revenue of one state of attribution. */
export interface AttributionFigures {
  conversions: number
  revenue_micros: string
}

/** What GET /v1/attribution reports for a range of event time, per channel the conversions are credited to. */
export interface AttributionSummaryRow {
  channel: string
  matched: AttributionFigures
  waiting: AttributionFigures
  unattributed: AttributionFigures
}

/** The reads of attribution (docs/attribution.md): clicks by click_id, the waiting conversions of a partition, the summary. */
export class AttributionStore extends DatabaseStore {
  /** The clicks of these click_ids: one query, whatever their number. */
  async clicks(clickIds: readonly string[]): Promise<ClickRow[]> {
    if (clickIds.length === 0) return []
    const rows = await this.select<Record<string, unknown>>(
      `SELECT click_id, event_id, toUnixTimestamp64Milli(occurred_at) AS occurred_ms,
          toUnixTimestamp64Milli(received_at) AS received_ms, channel, campaign_id, ad_id
        FROM ${this.database}.clicks_by_id WHERE click_id IN {ids:Array(String)}`,
      { ids: clickIds },
    )
    return rows.map((r) => ({
      event_id: String(r.event_id),
      click_id: String(r.click_id),
      occurred_at: toCount(r.occurred_ms),
      received_at: toCount(r.received_ms),
      channel: String(r.channel),
      campaign_id: String(r.campaign_id),
      ad_id: r.ad_id === null ? null : String(r.ad_id),
    }))
  }

  /**
   * The conversions of a partition written as waiting and not resolved since
   * (no resolving row at the same offset), oldest first.
   */
  async waiting(topic: string, partition: number): Promise<WaitingRow[]> {
    const rows = await this.select<Record<string, unknown>>(
      `SELECT event_id, source, toUnixTimestamp64Milli(occurred_at) AS occurred_ms,
          toUnixTimestamp64Milli(received_at) AS received_ms, assumeNotNull(click_id) AS click, user_id, action,
          reported_channel, reported_campaign_id, reported_ad_id, toString(cost_micros) AS cost,
          toString(value_micros) AS value, currency, original_currency,
          toString(original_cost_micros) AS original_cost, toString(original_value_micros) AS original_value,
          toString(offset) AS at
        FROM ${this.database}.events_raw
        WHERE topic = {topic:String} AND partition = {partition:UInt32} AND attribution = 'waiting'
          AND offset NOT IN (SELECT offset FROM ${this.database}.events_raw
            WHERE topic = {topic:String} AND partition = {partition:UInt32} AND resolution > 0)
        ORDER BY offset`,
      { topic, partition },
    )
    return rows.map(waitingRow)
  }

  /** The newest resolution number of a partition, 0 when none: the next resolving insert takes the one after. */
  async newestResolution(topic: string, partition: number): Promise<number> {
    const [row] = await this.select<{ n: unknown }>(
      `SELECT max(resolution) AS n FROM ${this.database}.events_raw
        WHERE topic = {topic:String} AND partition = {partition:UInt32}`,
      { topic, partition },
    )
    return toCount(row?.n ?? 0)
  }

  /**
   * Conversions with a click_id that occurred in [from, to), per credited
   * channel: matched by a click, still waiting, or unattributed. A resolved
   * conversion counts once, by its resolving row.
   */
  async summary(from: number, to: number): Promise<AttributionSummaryRow[]> {
    const rows = await this.select<Record<string, unknown>>(
      `SELECT channel,
          countIf(attribution = 'click') AS matched, toString(sumIf(value_micros, attribution = 'click')) AS matched_rev,
          countIf(attribution = 'waiting') AS waiting, toString(sumIf(value_micros, attribution = 'waiting')) AS waiting_rev,
          countIf(attribution = 'unattributed') AS unattributed,
          toString(sumIf(value_micros, attribution = 'unattributed')) AS unattributed_rev
        FROM ${this.database}.events_raw
        WHERE attribution != '' AND occurred_at >= fromUnixTimestamp64Milli({from:Int64})
          AND occurred_at < fromUnixTimestamp64Milli({to:Int64})
          AND NOT (attribution = 'waiting' AND (topic, partition, offset) IN (
            SELECT topic, partition, offset FROM ${this.database}.events_raw WHERE resolution > 0))
        GROUP BY channel ORDER BY channel`,
      { from, to },
    )
    const figures = (n: unknown, revenue: unknown): AttributionFigures => ({
      conversions: toCount(n),
      revenue_micros: String(revenue),
    })
    return rows.map((r) => ({
      channel: String(r.channel),
      matched: figures(r.matched, r.matched_rev),
      waiting: figures(r.waiting, r.waiting_rev),
      unattributed: figures(r.unattributed, r.unattributed_rev),
    }))
  }
}

const waitingRow = (r: Record<string, unknown>): WaitingRow => ({
  event_id: String(r.event_id),
  source: String(r.source),
  occurred_at: toCount(r.occurred_ms),
  received_at: toCount(r.received_ms),
  click_id: String(r.click),
  user_id: r.user_id === null ? null : String(r.user_id),
  action: String(r.action),
  channel: String(r.reported_channel),
  campaign_id: String(r.reported_campaign_id),
  ad_id: r.reported_ad_id === null ? null : String(r.reported_ad_id),
  cost_micros: BigInt(String(r.cost)),
  value_micros: BigInt(String(r.value)),
  currency: String(r.currency),
  original_currency: String(r.original_currency),
  original_cost_micros:
    r.original_cost === null || r.original_cost === '\\N' ? null : BigInt(String(r.original_cost)),
  original_value_micros: BigInt(String(r.original_value)),
  offset: String(r.at),
})
