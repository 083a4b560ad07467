import type { RawEventRow } from '@adpulse/clickhouse'
import type { PricedRecord } from '../steps/price.ts'

/** A counted event as events_raw keeps it, with the partition it came from. */
export function toRawEventRow(event: PricedRecord, where: { topic: string; partition: number }): RawEventRow {
  return {
    event_id: event.event_id,
    source: event.source,
    type: event.type,
    occurred_at: event.occurred_at,
    channel: event.channel,
    campaign_id: event.campaign_id,
    ad_id: event.ad_id,
    click_id: event.click_id,
    user_id: event.user_id,
    action: event.action ?? '',
    cost_micros: event.cost_micros,
    value_micros: event.value_micros,
    currency: event.currency,
    original_currency: event.original_currency,
    original_cost_micros: event.original_cost_micros,
    original_value_micros: event.original_value_micros,
    received_at: event.received_at,
    topic: where.topic,
    partition: where.partition,
    offset: event.offset,
    ...(event.attribution === undefined
      ? {}
      : {
          attribution: event.attribution,
          reported_channel: event.reported_channel ?? event.channel,
          reported_campaign_id: event.reported_campaign_id ?? event.campaign_id,
          reported_ad_id: event.reported_ad_id === undefined ? event.ad_id : event.reported_ad_id,
          resolution: event.resolution ?? 0,
        }),
  }
}
