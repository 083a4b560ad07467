/**
 * The end-to-end tests' pricing file, and a pricer written by hand with the
 * same rates: the reference sums never go through the pricing package.
 */
export const SEARCH_CPC = 2_000_000n
export const DISPLAY_CPM = 4_000_000n
export const SOCIAL_CPA = 10_000_000n
export const AFFILIATE_CPS_BPS = 1500n

/** Written to a temporary file and passed as ADPULSE_PRICING_FILE. */
export const PRICING = {
  channels: {
    search: { model: 'CPC', rate_micros: Number(SEARCH_CPC) },
    display: { model: 'CPM', rate_micros: Number(DISPLAY_CPM) },
    social: { model: 'CPA', rate_micros: Number(SOCIAL_CPA), actions: ['lead'] },
    affiliate: { model: 'CPS', rate_bps: Number(AFFILIATE_CPS_BPS) },
  },
}

export interface PriceableEvent {
  type: string
  channel: string
  action?: string | null
  cost_micros: bigint | null
  value_micros: bigint | null
}

/** An explicit cost wins; else CPC clicks, CPM impressions, CPA leads, CPS purchases (truncated). */
export function referenceCost(e: PriceableEvent): bigint {
  if (e.cost_micros !== null) return e.cost_micros
  if (e.channel === 'search') return e.type === 'click' ? SEARCH_CPC : 0n
  if (e.channel === 'display') return e.type === 'impression' ? DISPLAY_CPM / 1000n : 0n
  if (e.channel === 'social') return e.type === 'conversion' && e.action === 'lead' ? SOCIAL_CPA : 0n
  if (e.channel === 'affiliate' && e.type === 'conversion' && e.action === 'purchase') {
    return ((e.value_micros ?? 0n) * AFFILIATE_CPS_BPS) / 10_000n
  }
  return 0n
}

/** One model of a pricing file (README, Pricing), as JSON holds it. */
export interface PricingFileModel {
  model: 'CPC' | 'CPM' | 'CPA' | 'CPS' | 'CPE' | 'CPV'
  rate_micros?: number
  rate_bps?: number
  actions?: string[]
}

/** A pricing file (deploy/pricing.json is the default one), as JSON holds it. */
export interface PricingFile {
  channels: Record<string, PricingFileModel>
  campaigns?: Record<string, PricingFileModel>
}

/** The pricing file a process uses without ADPULSE_PRICING_FILE. */
export const DEFAULT_PRICING_FILE = new URL('../../deploy/pricing.json', import.meta.url)

/**
 * A pricer for any pricing file, written by hand from the README's rules and
 * not through the pricing package: an explicit cost wins; else the campaign's
 * model, else the channel's, else nothing. CPC charges a click, CPM a
 * thousandth of the rate per impression, CPA a conversion of a listed action,
 * CPS its share of a purchase's value (truncated), CPE an engagement of a
 * listed action, CPV an engagement whose action is video_view.
 */
export function referencePricer(file: PricingFile): (e: PriceableEvent & { campaign_id: string }) => bigint {
  return (e) => {
    if (e.cost_micros !== null) return e.cost_micros
    const m = file.campaigns?.[e.campaign_id] ?? file.channels[e.channel]
    if (m === undefined) return 0n
    const rate = BigInt(m.rate_micros ?? 0)
    if (m.model === 'CPC') return e.type === 'click' ? rate : 0n
    if (m.model === 'CPM') return e.type === 'impression' ? rate / 1000n : 0n
    if (m.model === 'CPA') {
      return e.type === 'conversion' && (m.actions ?? []).includes(e.action ?? '') ? rate : 0n
    }
    if (m.model === 'CPE') {
      return e.type === 'engagement' && (m.actions ?? []).includes(e.action ?? '') ? rate : 0n
    }
    if (m.model === 'CPV') return e.type === 'engagement' && e.action === 'video_view' ? rate : 0n
    return e.type === 'conversion' && e.action === 'purchase'
      ? ((e.value_micros ?? 0n) * BigInt(m.rate_bps ?? 0)) / 10_000n
      : 0n
  }
}
