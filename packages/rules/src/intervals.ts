import { anytimePoissonUpper } from './anytime-poisson.ts'
import { normalQuantile } from './normal-quantile.ts'
import { credibleMeanValue, type ValuePrior } from './value-prior.ts'

/**
 * Confidence intervals of the KPIs a rule decides on. Each bound is one-sided
 * at the rule's confidence c (z = Φ⁻¹(c)): a CUT needs the *upper* bound of ROI
 * below its threshold, a SCALE the *lower* bound above; each holds with
 * probability c under the model below (the revenue upper bound over every look
 * at a filling window). The method is in docs/decisions.md.
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
 * distribution). See docs/decisions.md (Revenue); in short:
 *  - upper, what a CUT is judged on: the larger of
 *    count: the credible mean value × the always-valid Poisson upper bound of
 *    the conversions at α = 1 − confidence (valid over every look at a filling
 *    window, and the mean value leans on the shop's, which the entity's few
 *    heavy-tailed orders cannot estimate), and
 *    normal: revenue + z·√(Σ value²), Var(Σ X) = λ·E[X²] for a compound Poisson sum;
 *  - lower, what a SCALE is judged on: the smaller of revenue − z·√(Σ value²)
 *    and the entity's mean value × the one-look Poisson lower bound.
 * `prior` is what a conversion is worth over all entities of the window (see
 * valuePrior); without it an entity is priced on its own mean value, and an
 * entity without conversions has an infinite upper bound.
 */
export function revenueInterval(sample: RevenueSample, confidence: number, prior?: ValuePrior): Interval {
  const { conversions: n, revenue, revenueSquares } = sample
  const z = zOf(confidence)
  const half = z * Math.sqrt(revenueSquares)
  const ownValue = n > 0 ? revenue / n : prior?.meanValue
  const countLower = ownValue === undefined ? 0 : ownValue * poissonMean(n, z).lower
  const upperValue = prior === undefined ? ownValue : credibleMeanValue(n, revenue, prior)
  const countUpper =
    upperValue === undefined ? Number.POSITIVE_INFINITY : upperValue * anytimePoissonUpper(n, 1 - confidence)
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
