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
  /** The event types of @adpulse/events (EVENT_TYPES); an engagement counts only its cost here. */
  type: 'impression' | 'click' | 'conversion' | 'engagement'
  occurred_at: number
  channel: string
  campaign_id: string
  cost_micros: bigint
  /** Revenue; counts only on conversions. */
  value_micros: bigint
}
