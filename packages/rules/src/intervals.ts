import { normalQuantile } from './normal-quantile.ts'

/**
 * Confidence intervals of the KPIs a rule decides on. Each bound is one-sided
 * at the rule's confidence c (z = Φ⁻¹(c)): a CUT needs the *upper* bound of ROI
 * below its threshold, a SCALE the *lower* bound above; each holds with
 * probability c under the model below. The method is in docs/decisions.md.
 */
export interface Interval {
  lower: number
  upper: number
}

/** One-sided z of a confidence level, e.g. 0.95 → 1.6449. */
export const zOf = (confidence: number): number => normalQuantile(confidence)

/**
 * Wilson score interval of a proportion k / n (CTR, CVR): good at small n and
 * at rates near 0, where the plain normal interval collapses to a point.
 * Null when n = 0: nothing is known.
 */
export function wilson(k: number, n: number, z: number): Interval | null {
  if (n === 0) return null
  const p = k / n
  const z2 = z * z
  const denominator = 1 + z2 / n
  const center = (p + z2 / (2 * n)) / denominator
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator
  return { lower: Math.max(0, center - half), upper: Math.min(1, center + half) }
}

/**
 * Bounds of a Poisson mean having seen n events (conversions), by the
 * Wilson–Hilferty approximation of the exact chi-square bounds:
 *   lower = n (1 − 1/(9n) − z/(3√n))³, 0 when n = 0
 *   upper = (n+1) (1 − 1/(9(n+1)) + z/(3√(n+1)))³
 * (n = 0, z = 1.645 gives 2.97; the exact bound is 3.00.)
 */
export function poissonMean(n: number, z: number): Interval {
  const lower = n === 0 ? 0 : n * (1 - 1 / (9 * n) - z / (3 * Math.sqrt(n))) ** 3
  const m = n + 1
  const upper = m * (1 - 1 / (9 * m) + z / (3 * Math.sqrt(m))) ** 3
  return { lower: Math.max(0, lower), upper }
}

/** What the revenue of a window is made of. */
export interface RevenueSample {
  /** Number of conversions. */
  conversions: number
  /** Sum of their values, micros. */
  revenue: number
  /** Sum of the squares of their values, micros². */
  revenueSquares: number
}

/**
 * Interval of the expected revenue of a window, modelled as a compound Poisson
 * sum (conversions arrive as a Poisson process, each with a value from a skewed
 * distribution). The union of two approximations, so that neither regime is
 * overconfident:
 *  - normal: revenue ± z·√(Σ value²), since Var(Σ X) = λ·E[X²] for a compound
 *    Poisson sum, estimated by Σ value² — this carries skewed order values;
 *  - count: mean value × the Poisson bounds of the number of conversions — this
 *    carries small counts, where the normal interval is far too narrow.
 * With no conversion the mean value is unknown; `fallbackValue` (for example the
 * mean value over all channels) stands in, and without it the upper bound is ∞.
 */
export function revenueInterval(sample: RevenueSample, z: number, fallbackValue?: number): Interval {
  const { conversions: n, revenue, revenueSquares } = sample
  const half = z * Math.sqrt(revenueSquares)
  const meanValue = n > 0 ? revenue / n : fallbackValue
  const count = poissonMean(n, z)
  const countLower = meanValue === undefined ? 0 : meanValue * count.lower
  const countUpper = meanValue === undefined ? Number.POSITIVE_INFINITY : meanValue * count.upper
  return {
    lower: Math.max(0, Math.min(revenue - half, countLower)),
    upper: Math.max(revenue + half, countUpper),
  }
}

/** ROI = (revenue − spend) / spend over a revenue interval; spend is known exactly. Null without spend. */
export function roiInterval(revenue: Interval, spend: number): Interval | null {
  if (spend <= 0) return null
  return { lower: (revenue.lower - spend) / spend, upper: (revenue.upper - spend) / spend }
}

/** ROAS = revenue / spend over a revenue interval. Null without spend. */
export function roasInterval(revenue: Interval, spend: number): Interval | null {
  if (spend <= 0) return null
  return { lower: revenue.lower / spend, upper: revenue.upper / spend }
}

/** CPA = spend / conversions, with the Poisson bounds of the conversion rate. Null without spend. */
export function cpaInterval(conversions: number, spend: number, z: number): Interval | null {
  if (spend <= 0) return null
  const count = poissonMean(conversions, z)
  return {
    lower: spend / count.upper,
    upper: count.lower === 0 ? Number.POSITIVE_INFINITY : spend / count.lower,
  }
}
