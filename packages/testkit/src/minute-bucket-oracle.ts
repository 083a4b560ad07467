import type { MinuteBucket, PricedEvent } from '@adpulse/kpi'

/**
 * The test oracle of the minute buckets: what kpi_buckets must hold for a set
 * of priced events, summed here in TypeScript, independently of the
 * materialized view and the queries that production runs in ClickHouse. Tests
 * compare what ClickHouse answers with it.
 */

const MINUTE_MS = 60_000

/** The start of the UTC minute of an event time, epoch ms. */
export const minuteOf = (epochMs: number): number => Math.floor(epochMs / MINUTE_MS) * MINUTE_MS

/**
 * Sums priced events into minute buckets by event time. Buckets are additive,
 * so any window (and any time zone with whole-minute offsets) is a sum of them.
 */
export function aggregateMinuteBuckets(events: Iterable<PricedEvent>): MinuteBucket[] {
  const buckets = new Map<string, MinuteBucket>()
  for (const event of events) {
    const minute = minuteOf(event.occurred_at)
    // \u0000 cannot appear in a validated channel slug, so keys cannot collide.
    const key = `${minute}\u0000${event.channel}\u0000${event.campaign_id}`
    let bucket = buckets.get(key)
    if (!bucket) {
      bucket = {
        minute,
        channel: event.channel,
        campaign_id: event.campaign_id,
        impressions: 0,
        clicks: 0,
        conversions: 0,
        spend_micros: 0n,
        revenue_micros: 0n,
        revenue_squares: 0,
      }
      buckets.set(key, bucket)
    }
    if (event.type === 'impression') bucket.impressions += 1
    else if (event.type === 'click') bucket.clicks += 1
    else if (event.type === 'conversion') {
      bucket.conversions += 1
      bucket.revenue_micros += event.value_micros
      bucket.revenue_squares += Number(event.value_micros) ** 2
    }
    bucket.spend_micros += event.cost_micros
  }
  return [...buckets.values()]
}
