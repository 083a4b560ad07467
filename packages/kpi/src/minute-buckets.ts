/** One minute of event time (UTC) for one channel and campaign: additive sums only. */
export interface MinuteBucket {
  /** Start of the minute, epoch ms UTC. */
  minute: number
  channel: string
  campaign_id: string
  impressions: number
  clicks: number
  conversions: number
  spend_micros: bigint
  revenue_micros: bigint
  /** Σ value² of the conversions, micros² (a double): the spread of revenue, for confidence intervals. */
  revenue_squares: number
}

/** What aggregation needs of an event once it is priced. */
export interface PricedEvent {
  type: 'impression' | 'click' | 'conversion'
  occurred_at: number
  channel: string
  campaign_id: string
  cost_micros: bigint
  /** Revenue; counts only on conversions. */
  value_micros: bigint
}

/** A bucket with nothing in it yet. */
export const emptyBucket = (minute: number, channel: string, campaign_id: string): MinuteBucket => ({
  minute,
  channel,
  campaign_id,
  impressions: 0,
  clicks: 0,
  conversions: 0,
  spend_micros: 0n,
  revenue_micros: 0n,
  revenue_squares: 0,
})

/** Adds one priced event to a bucket, whatever the bucket groups by. */
export function addToBucket(bucket: MinuteBucket, event: PricedEvent): void {
  if (event.type === 'impression') bucket.impressions += 1
  else if (event.type === 'click') bucket.clicks += 1
  else {
    bucket.conversions += 1
    bucket.revenue_micros += event.value_micros
    bucket.revenue_squares += Number(event.value_micros) ** 2
  }
  bucket.spend_micros += event.cost_micros
}
