import { DEFAULT_SPLIT_PRIOR, type PriorComponent, type RateCounts } from './split-test.ts'

/**
 * The prior of the test of two ads tuned to the smallest lift a campaign wants
 * to find (docs/experiments.md, Tuning to the minimum lift). One home for the
 * tuning: GET /v1/experiments (`min_lift=`), the ad rules (`min_lift:`) and the
 * benchmark all call tunedSplitPrior.
 *
 * Each success is ad A's with probability π; with A's share of the trials s
 * and a true ratio of rates 1 + L, π = s(1+L) / (s(1+L) + 1 − s), so one
 * success moves the split by d = π − s = s(1−s)L / (1 + sL) against a variance
 * σ² = s(1−s). A Beta(m·s, m·(1−s)) prior on π is, near s, the normal mixture
 * of Howard et al. (2021, "Time-uniform, nonparametric, nonasymptotic
 * confidence sequences", §3.1) with ρ = m + 1 successes (prior variance of π:
 * σ² / (m + 1)). Their boundary is tightest at n successes when
 *   ρ* = n / D,  D = 2ℓ + ln(1 + 2ℓ),  ℓ = ln(1 / (w·α))
 * (w the tuned component's weight: its share of E costs ln(1/w)). The n to be
 * tightest at is where the test expects to decide a lift of exactly L: there
 * ln E ≈ n·d²·D / (2σ²(1 + D)) − ½ ln(1 + D) reaches ℓ, so
 *   n = (σ² / d²) · (1 + D)(2ℓ + ln(1 + D)) / D,  m = n / D − 1.
 * A larger lift crosses sooner anyway, a smaller one is not asked for. The
 * tuning uses L, s and α only, never the successes being tested, so the test
 * stays a fixed mixture and keeps its guarantee.
 */

/** The weight of the tuned component; the rest goes to the uniform prior (m = 2), for a large lift in few successes. */
export const TUNED_WEIGHT = 0.9
const UNIFORM: PriorComponent = { strength: 2, weight: 1 - TUNED_WEIGHT }

/** The smallest and largest minimum lift taken (GET /v1/experiments and the rules refuse others). */
export const MIN_LIFT_RANGE = { low: 0.01, high: 10 } as const

/** The successes n at which a test at α decides a ratio 1 + minLift at share s (see above). */
export function decisionSuccesses(minLift: number, share: number, alpha: number): number {
  checkArguments(minLift, share, alpha)
  const ell = Math.log(1 / (TUNED_WEIGHT * alpha))
  const d = tuningDenominator(ell)
  const variancePerDrift = (1 + share * minLift) ** 2 / (share * (1 - share) * minLift * minLift)
  return (variancePerDrift * (1 + d) * (2 * ell + Math.log1p(d))) / d
}

/** The tuned strength m = n / D − 1 (at least 2: never weaker than the uniform prior). */
export function tunedStrength(minLift: number, share: number, alpha: number): number {
  const d = tuningDenominator(Math.log(1 / (TUNED_WEIGHT * alpha)))
  return Math.max(2, decisionSuccesses(minLift, share, alpha) / d - 1)
}

/** The prior of the test of two ads for a campaign that wants to find a lift of minLift: tuned strength, plus the uniform. */
export function tunedSplitPrior(minLift: number, share: number, alpha: number): PriorComponent[] {
  return [{ strength: tunedStrength(minLift, share, alpha), weight: TUNED_WEIGHT }, UNIFORM]
}

/**
 * The prior of the test of ads a and b at α: tuned to minLift when one is
 * given, else `fallback` (DEFAULT_SPLIT_PRIOR, which is about the tuning for a
 * lift of 16 % at α 0.05). Before both have trials the share is taken as ½.
 */
export function pairPrior(
  a: RateCounts,
  b: RateCounts,
  alpha: number,
  minLift: number | undefined,
  fallback: readonly PriorComponent[] = DEFAULT_SPLIT_PRIOR,
): readonly PriorComponent[] {
  if (minLift === undefined) return fallback
  const share = a.trials > 0 && b.trials > 0 ? a.trials / (a.trials + b.trials) : 0.5
  return tunedSplitPrior(minLift, share, alpha)
}

/** D = 2ℓ + ln(1 + 2ℓ): Howard et al.'s ρ* = n / D. */
const tuningDenominator = (ell: number): number => 2 * ell + Math.log1p(2 * ell)

function checkArguments(minLift: number, share: number, alpha: number): void {
  if (!(minLift >= MIN_LIFT_RANGE.low && minLift <= MIN_LIFT_RANGE.high))
    throw new RangeError(`minLift must be in [${MIN_LIFT_RANGE.low}, ${MIN_LIFT_RANGE.high}], got ${minLift}`)
  if (!(share > 0 && share < 1)) throw new RangeError(`share must be in (0, 1), got ${share}`)
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`)
}
