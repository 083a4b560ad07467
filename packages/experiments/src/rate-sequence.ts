import { logBeta } from './log-gamma.ts'

/**
 * A confidence sequence for a Bernoulli rate (CTR: clicks of impressions; CVR:
 * conversions of clicks): an interval that holds at every look at once, the
 * same always-valid family as the alerter's count bound (docs/experiments.md).
 *
 * Having seen k successes in n trials, the mixture over a uniform prior of the
 * likelihood ratios of θ against p is
 *   M(k, n, p) = ∫₀¹ θᵏ (1−θ)ⁿ⁻ᵏ dθ / (pᵏ (1−p)ⁿ⁻ᵏ) = B(k+1, n−k+1) / (pᵏ (1−p)ⁿ⁻ᵏ).
 * Under the true rate p it is a nonnegative martingale in n with M = 1 at n = 0,
 * so by Ville's inequality it ever reaches 1/α with probability at most α. The
 * interval is every p with M(k, n, p) < 1/α: it misses the true rate at *some*
 * look with probability at most α, however often one looks and whenever one stops.
 * The same bound holds for values in [0, 1] that are not 0 or 1 (k a sum of
 * fractions): θˣ(1−θ)¹⁻ˣ is convex in x, so the ratio stays a supermartingale.
 */
export interface Interval {
  lower: number
  upper: number
}

/** ln M(k, n, p), with 0 · ln 0 = 0 at the ends. */
export function logMixtureRatio(k: number, n: number, p: number): number {
  const hits = k === 0 ? 0 : k * Math.log(p)
  const misses = n - k === 0 ? 0 : (n - k) * Math.log1p(-p)
  return logBeta(k + 1, n - k + 1) - hits - misses
}

const TOLERANCE = 1e-13

/**
 * The always-valid interval of a rate having seen k successes in n trials, at
 * error α (0 < α < 1), to 1e-13: the roots of M(k, n, p) = 1/α either side of
 * k/n (where M ≤ 1, the likelihood's maximum). n = 0: [0, 1], nothing is known.
 * k is capped at n (a conversion without its click, from a postback, does not
 * make a rate above 1).
 */
export function rateSequence(successes: number, trials: number, alpha: number): Interval {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`rateSequence: alpha must be in (0, 1), got ${alpha}`)
  if (!(trials >= 0 && successes >= 0)) throw new RangeError('rateSequence: counts must be non-negative')
  if (trials === 0) return { lower: 0, upper: 1 }
  const k = Math.min(successes, trials)
  const n = trials
  const target = Math.log(1 / alpha)
  const estimate = k / n
  // ln M(p) = ln B(k+1, n−k+1) − k ln p − (n−k) ln(1−p): the constant once, not per step.
  const bound = logBeta(k + 1, n - k + 1) - target
  const outside = (p: number): boolean => bound - k * Math.log(p) - (n - k) * Math.log1p(-p) >= 0
  const lower = k === 0 ? 0 : bisect(0, estimate, (p) => !outside(p))
  const upper = k === n ? 1 : bisect(estimate, 1, outside)
  return { lower, upper }
}

/** The point where `past` turns true between low (false) and high (true). */
function bisect(low: number, high: number, past: (p: number) => boolean): number {
  let a = low
  let b = high
  while (b - a > TOLERANCE) {
    const mid = (a + b) / 2
    if (past(mid)) b = mid
    else a = mid
  }
  return (a + b) / 2
}
