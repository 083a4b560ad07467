import type { AdEvent } from '@adpulse/events'
import type { PricingModel, PricingTable } from '../src/pricing-model.ts'

/** What costOf reads of an event. */
export type Priceable = Pick<
  AdEvent,
  'type' | 'channel' | 'campaign_id' | 'cost_micros' | 'value_micros' | 'action'
>

/** An event without an explicit cost, so the pricing model decides. */
const unpriced = (
  type: AdEvent['type'],
  channel: string,
  campaign_id: string,
  action: string | null,
  value: bigint | null,
): Priceable => ({ type, channel, campaign_id, cost_micros: null, value_micros: value, action })

export const impression = (channel: string, campaign_id = 'camp-1'): Priceable =>
  unpriced('impression', channel, campaign_id, null, null)
export const click = (channel: string, campaign_id = 'camp-1'): Priceable =>
  unpriced('click', channel, campaign_id, null, null)
export const engagement = (channel: string, action: string, campaign_id = 'camp-1'): Priceable =>
  unpriced('engagement', channel, campaign_id, action, null)
export const conversion = (
  channel: string,
  action: string,
  value: bigint,
  campaign_id = 'camp-1',
): Priceable => unpriced('conversion', channel, campaign_id, action, value)

/** A pricing table of channel and campaign models. */
export const tableOf = (
  channels: Record<string, PricingModel>,
  campaigns: Record<string, PricingModel> = {},
): PricingTable => ({
  channels: new Map(Object.entries(channels)),
  campaigns: new Map(Object.entries(campaigns)),
})
