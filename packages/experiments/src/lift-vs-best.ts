import type { Interval } from './rate-sequence.ts'
import { type LiftBounds, liftSequence, type PriorComponent, type RateCounts } from './split-test.ts'

/** Relative lift against the best ad: estimate / best − 1. `upper` null: unbounded. */
export interface Lift {
  estimate: number
  lower: number
  upper: number | null
}

/**
 * Ad's lift over the best ad, θ_ad / θ_best − 1, from the very test that
 * decides `winner` (docs/experiments.md, Lift against the best): liftSequence
 * of the best over the ad, with the pair's α and prior, turned round. The
 * prior is tuned from the best ad's side (pairPrior(best, ad): the tuning is
 * not symmetric in the share), so the lift is read off the best's interval
 * rather than computed afresh from the ad's side: then the ad's upper bound
 * is below 0 exactly when the best's lower bound is above 0, i.e. exactly when
 * the test declares the best better than this ad. θ_ad / θ_best = 1 / (θ_best
 * / θ_ad), so [l, u] of the best's lift becomes [1/(1+u) − 1, 1/(1+l) − 1];
 * an unbounded u gives −1, a lower bound of −1 (nothing known) +∞.
 */
export function pairLiftVsBest(
  ad: RateCounts,
  best: RateCounts,
  alpha: number,
  prior: readonly PriorComponent[],
): LiftBounds {
  const bestOverAd = liftSequence(best, ad, alpha, prior)
  return { lower: 1 / (1 + bestOverAd.upper) - 1, upper: 1 / (1 + bestOverAd.lower) - 1 }
}

/**
 * The lift of an ad of estimate `estimate` over the best (estimate
 * `bestEstimate`) with bounds `bounds`; null when the best's estimate is 0
 * (nothing to be relative to: for CTR and CVR no ad has a success).
 */
export function liftOf(estimate: number, bestEstimate: number, bounds: LiftBounds): Lift | null {
  if (bestEstimate === 0) return null
  return {
    estimate: estimate / bestEstimate - 1,
    lower: bounds.lower,
    upper: Number.isFinite(bounds.upper) ? bounds.upper : null,
  }
}

/**
 * Revenue per impression, where no test of two ads applies (the value per
 * conversion is bracketed, not a rate): the ratio bounded by both separate
 * intervals, lower over upper and upper over lower, which hold together with
 * them. Its upper end is below 0 exactly when the ad's upper bound is below
 * the best's lower bound, the revenue `winner`'s condition for that ad.
 */
export function intervalLiftBounds(interval: Interval, best: Interval): LiftBounds {
  return {
    lower: best.upper === 0 ? -1 : interval.lower / best.upper - 1,
    upper: best.lower === 0 ? Number.POSITIVE_INFINITY : interval.upper / best.lower - 1,
  }
}

/** The best ad against itself: exactly 0 (null when its estimate is 0). */
export const lifeless = (bestEstimate: number): Lift | null =>
  bestEstimate === 0 ? null : { estimate: 0, lower: 0, upper: 0 }
