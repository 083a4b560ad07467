/** Additive sums over a window, for one channel or campaign. */
export interface KpiSums {
  impressions: number
  clicks: number
  conversions: number
  spend_micros: bigint
  revenue_micros: bigint
}

/**
 * The derived KPIs of DESIGN.md; each is null where its denominator is 0.
 * Money per unit is integer micros (rounded half up) as a string.
 */
export interface DerivedKpis {
  ctr: number | null
  cvr: number | null
  cpc_micros: string | null
  cpm_micros: string | null
  cpa_micros: string | null
  roas: number | null
  roi: number | null
}

export function deriveKpis(s: KpiSums): DerivedKpis {
  return {
    ctr: s.impressions === 0 ? null : s.clicks / s.impressions,
    cvr: s.clicks === 0 ? null : s.conversions / s.clicks,
    cpc_micros: divideMicros(s.spend_micros, BigInt(s.clicks)),
    cpm_micros: divideMicros(s.spend_micros * 1000n, BigInt(s.impressions)),
    cpa_micros: divideMicros(s.spend_micros, BigInt(s.conversions)),
    roas: s.spend_micros === 0n ? null : ratio(s.revenue_micros, s.spend_micros),
    roi: s.spend_micros === 0n ? null : ratio(s.revenue_micros - s.spend_micros, s.spend_micros),
  }
}

/** ROI of a window: (revenue − spend) / spend, null without spend. */
export const roiOf = (spend: bigint, revenue: bigint): number | null =>
  spend === 0n ? null : ratio(revenue - spend, spend)

/** numerator / denominator rounded half up, as a decimal string; null when dividing by 0. */
export function divideMicros(numerator: bigint, denominator: bigint): string | null {
  if (denominator === 0n) return null
  return ((numerator * 2n + denominator) / (denominator * 2n)).toString()
}

/**
 * A ratio of two exact integers as a double: each side keeps 53 significant
 * bits, which is all a ratio reported to operators needs.
 */
export function ratio(numerator: bigint, denominator: bigint): number {
  return Number(numerator) / Number(denominator)
}
