import type { AdEvent } from '@adpulse/events'
import { type PricingModel, type PricingTable, VIDEO_VIEW } from './pricing-model.ts'

type Priceable = Pick<AdEvent, 'type' | 'channel' | 'campaign_id' | 'cost_micros' | 'value_micros' | 'action'>

/**
 * The cost of one event in micros: its explicit `cost_micros` when present,
 * else what its campaign's (or channel's) pricing model charges for it, else 0.
 */
export function costOf(event: Priceable, table: PricingTable): bigint {
  if (event.cost_micros !== null) return event.cost_micros
  const model = table.campaigns.get(event.campaign_id) ?? table.channels.get(event.channel)
  return model ? modelCost(event, model) : 0n
}

function modelCost(event: Priceable, model: PricingModel): bigint {
  switch (model.model) {
    case 'CPM':
      return event.type === 'impression' ? model.rate_micros / 1000n : 0n
    case 'CPC':
      return event.type === 'click' ? model.rate_micros : 0n
    case 'CPA':
      return event.type === 'conversion' && event.action !== null && model.actions.includes(event.action)
        ? model.rate_micros
        : 0n
    case 'CPS':
      // Truncates toward zero: a commission never charges a fraction of a micro.
      return event.type === 'conversion' && event.action === 'purchase'
        ? ((event.value_micros ?? 0n) * BigInt(model.rate_bps)) / 10_000n
        : 0n
    case 'CPE':
      return event.type === 'engagement' && event.action !== null && model.actions.includes(event.action)
        ? model.rate_micros
        : 0n
    case 'CPV':
      return event.type === 'engagement' && event.action === VIDEO_VIEW ? model.rate_micros : 0n
  }
}
