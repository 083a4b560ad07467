/**
 * The kinds of event an ad platform sends. An engagement is an interaction
 * with an ad that is neither a click nor a conversion (a like, share, comment,
 * save, follow, video view): it has an action but, unlike a conversion, no revenue.
 */
export const EVENT_TYPES = ['impression', 'click', 'conversion', 'engagement'] as const
export type EventType = (typeof EVENT_TYPES)[number]

/**
 * An accepted event, normalised: event time in epoch milliseconds, money in
 * integer micros as bigint, absent optionals as null. This is what travels on
 * the events topic (Avro, see schemas.ts) and what the processor prices.
 */
export interface AdEvent {
  event_id: string
  type: EventType
  /** Event time, epoch ms UTC; every window uses it. */
  occurred_at: number
  channel: string
  campaign_id: string
  ad_id: string | null
  click_id: string | null
  /** Explicit cost; null lets the pricing model decide. */
  cost_micros: bigint | null
  /** Revenue of a conversion; null on impressions, clicks and engagements. */
  value_micros: bigint | null
  /**
   * What a conversion is (`purchase`, `lead`, …) or what an engagement is
   * (`like`, `share`, `video_view`, …); null on impressions and clicks.
   */
  action: string | null
  /** ISO 4217 code of cost_micros and value_micros. */
  currency: string
  user_id: string | null
  /** Who sent it: the source name of the ingest key. */
  source: string
  /** When ingest accepted it, epoch ms. */
  received_at: number
}

/** One problem with one field: where, what was expected, what came. */
export interface FieldError {
  field: string
  expected: string
  got: string
}

/**
 * The Kafka key of an event on the events topic: its campaign, so that a repeat
 * lands on the partition of the first (docs/exactly-once.md); a postback with
 * only a click_id has no campaign, and its click_id keys it instead (a repeat
 * carries the same one).
 */
export function eventKeyOf(event: Pick<AdEvent, 'campaign_id' | 'click_id'>): string {
  return event.campaign_id === '' ? (event.click_id ?? '') : event.campaign_id
}
