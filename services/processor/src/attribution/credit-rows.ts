import type { WaitingRow } from '@adpulse/clickhouse'
import { costOf, type PricingTable } from '@adpulse/pricing'
import type { PricedRecord } from '../steps/price.ts'
import type { Credit } from './click-match.ts'

/** Where a conversion without a channel or campaign of its own counts once no click credits it. */
export const UNATTRIBUTED = 'unattributed'

/**
 * A priced conversion with its credit: a click's channel, campaign and ad
 * (priced again under them, unless the event carried its own cost), or, waiting
 * or unattributed, what it reported ('unattributed' for what it did not). What
 * it reported is kept beside (events_raw's reported_* columns).
 */
export function creditRow(row: PricedRecord, credit: Credit, pricing: PricingTable): PricedRecord {
  const reported = {
    reported_channel: row.reported_channel ?? row.channel,
    reported_campaign_id: row.reported_campaign_id ?? row.campaign_id,
    reported_ad_id: row.reported_ad_id === undefined ? row.ad_id : row.reported_ad_id,
  }
  const keys =
    credit.kind === 'click'
      ? { channel: credit.click.channel, campaign_id: credit.click.campaign_id, ad_id: credit.click.ad_id }
      : {
          channel:
            credit.kind === 'unattributed'
              ? reported.reported_channel || UNATTRIBUTED
              : reported.reported_channel,
          campaign_id:
            credit.kind === 'unattributed'
              ? reported.reported_campaign_id || UNATTRIBUTED
              : reported.reported_campaign_id,
          ad_id: reported.reported_ad_id,
        }
  // An explicit cost is the sender's (already in the reporting currency); otherwise the credited keys' pricing.
  const cost_micros =
    row.original_cost_micros !== null
      ? row.cost_micros
      : costOf({ ...row, ...keys, action: row.action, cost_micros: null }, pricing)
  return { ...row, ...reported, ...keys, cost_micros, attribution: credit.kind }
}

/** A waiting conversion read back from events_raw, as the priced record its resolving row is made of. */
export function waitingRecord(w: WaitingRow): PricedRecord {
  return {
    offset: w.offset,
    event_id: w.event_id,
    source: w.source,
    type: 'conversion',
    occurred_at: w.occurred_at,
    received_at: w.received_at,
    channel: w.channel,
    campaign_id: w.campaign_id,
    ad_id: w.ad_id,
    click_id: w.click_id,
    user_id: w.user_id,
    action: w.action,
    cost_micros: w.cost_micros,
    value_micros: w.value_micros,
    currency: w.currency,
    original_currency: w.original_currency,
    original_cost_micros: w.original_cost_micros,
    original_value_micros: w.original_value_micros,
    attribution: 'waiting',
  }
}
