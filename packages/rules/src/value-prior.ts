/**
 * What a conversion is worth in this shop, learnt from all entities of a window,
 * and how far one entity's mean value may differ from it: Bühlmann–Straub
 * credibility (the actuarial estimate of a risk's mean claim from few claims
 * of a heavy-tailed size). See docs/decisions.md (Revenue).
 */

/** The sums of one entity that the prior is estimated from. */
export interface ValueSums {
  /** Entities without spend (organic, or without a pricing model) are left out. */
  spend_micros: bigint | number
  conversions: number
  /** Σ values, micros (a bigint or an exact double). */
  revenue_micros: bigint | number
  /** Σ value², micros². */
  revenue_squares: number
}

export interface ValuePrior {
  /** Mean value of a conversion over all entities, micros. */
  meanValue: number
  /**
   * Credibility constant k = s²_within / τ²_between: an entity with n conversions
   * of mean x̄ is worth (n·x̄ + k·meanValue) / (n + k) per conversion. ∞ when the
   * entities' means differ no more than their noise (all pooled), 0 when there is
   * nothing to pool (each entity on its own).
   */
  credibility: number
}

/**
 * Bühlmann–Straub by moments over entities i with nᵢ > 0 conversions, N = Σnᵢ,
 * R = ΣRᵢ, M = R / N, C entities:
 *   s²_within  = Σ (Σx²ᵢ − Rᵢ²/nᵢ) / (N − C)
 *   τ²_between = (Σ nᵢ (Rᵢ/nᵢ − M)² − (C − 1) s²_within) / (N − Σnᵢ²/N), at least 0
 *   k = s²_within / τ²_between
 * over the entities with spend: what a *paid* conversion is worth. Unpaid
 * conversions (organic traffic, a channel without a pricing model) are another
 * population, and one of them in another currency or of another order of size
 * would otherwise price every channel's conversions and block every cut.
 * Undefined without a conversion.
 */
export function valuePrior(rows: readonly ValueSums[]): ValuePrior | undefined {
  let conversions = 0
  let revenue = 0
  let entities = 0
  let within = 0
  let squaredCounts = 0
  const paid = rows.filter((row) => row.conversions > 0 && Number(row.spend_micros) > 0)
  for (const row of paid) {
    const r = Number(row.revenue_micros)
    conversions += row.conversions
    revenue += r
    entities += 1
    within += Math.max(0, row.revenue_squares - (r * r) / row.conversions)
    squaredCounts += row.conversions * row.conversions
  }
  if (conversions === 0) return undefined
  const meanValue = revenue / conversions
  const spread = conversions - squaredCounts / conversions
  // One entity, or one conversion each: no way to tell the within from the between spread.
  if (entities < 2 || conversions <= entities || spread <= 0) return { meanValue, credibility: 0 }
  const withinVariance = within / (conversions - entities)
  let between = 0
  for (const row of paid) {
    between += row.conversions * (Number(row.revenue_micros) / row.conversions - meanValue) ** 2
  }
  const betweenVariance = Math.max(0, (between - (entities - 1) * withinVariance) / spread)
  return {
    meanValue,
    credibility: betweenVariance === 0 ? Number.POSITIVE_INFINITY : withinVariance / betweenVariance,
  }
}

/** The credibility-weighted mean value of an entity; the prior's mean without conversions. */
export function credibleMeanValue(conversions: number, revenue: number, prior: ValuePrior): number {
  if (conversions <= 0 || prior.credibility === Number.POSITIVE_INFINITY) return prior.meanValue
  const k = prior.credibility
  return (revenue + k * prior.meanValue) / (conversions + k)
}
