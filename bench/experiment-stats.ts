/**
 * The fixed-horizon test an A/B tool runs: the pooled two-proportion z-test and
 * the sample size that gives it a power at a minimum detectable effect.
 */

/**
 * The standard normal quantile (Acklam's rational approximation, relative error
 * below 1.2e-9; more than a benchmark's critical values need).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`)
  const tail = (q: number): number => horner(TAIL_NUMERATOR, q) / horner(TAIL_DENOMINATOR, q)
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)))
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)))
  const q = p - 0.5
  const r = q * q
  return (q * horner(CENTRAL_NUMERATOR, r)) / horner(CENTRAL_DENOMINATOR, r)
}

const CENTRAL_NUMERATOR = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
]
const CENTRAL_DENOMINATOR = [
  -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572, 1,
]
const TAIL_NUMERATOR = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
]
const TAIL_DENOMINATOR = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416, 1]

/** A polynomial with the highest power's coefficient first, at x. */
const horner = (coefficients: readonly number[], x: number): number =>
  coefficients.reduce((sum, c) => sum * x + c, 0)

/** One arm's counts: successes of trials. */
export interface Counts {
  successes: number
  trials: number
}

/**
 * The pooled two-proportion z statistic of a against b: (p̂a − p̂b) / √(p̄(1−p̄)(1/na + 1/nb)),
 * p̄ the pooled rate. 0 when it is undefined (no trials, or no variance: all or nothing).
 */
export function twoProportionZ(a: Counts, b: Counts): number {
  if (a.trials === 0 || b.trials === 0) return 0
  const pooled = (a.successes + b.successes) / (a.trials + b.trials)
  const variance = pooled * (1 - pooled) * (1 / a.trials + 1 / b.trials)
  if (variance === 0) return 0
  return (a.successes / a.trials - b.successes / b.trials) / Math.sqrt(variance)
}

/**
 * Trials per arm for a two-sided two-proportion z-test at level alpha to have
 * the power `power` when the rates are p1 and p2 (Fleiss, Levin & Paik,
 * Statistical Methods for Rates and Proportions, 3rd ed., eq. 4.14, without the
 * continuity correction):
 *   n = (z₁₋α/₂ √(2 p̄ q̄) + z_power √(p1 q1 + p2 q2))² / (p1 − p2)²,  p̄ = (p1 + p2)/2.
 * Rounded up.
 */
export function plannedTrials(p1: number, p2: number, alpha: number, power: number): number {
  if (p1 === p2) throw new RangeError('plannedTrials: the rates must differ')
  const mean = (p1 + p2) / 2
  const zAlpha = normalQuantile(1 - alpha / 2)
  const zPower = normalQuantile(power)
  const spread = zAlpha * Math.sqrt(2 * mean * (1 - mean)) + zPower * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
  return Math.ceil((spread * spread) / ((p1 - p2) * (p1 - p2)))
}

/**
 * The fixed-horizon decision over K arms: the arm with the highest rate wins
 * when its z against every other arm is at least the two-sided critical value
 * at alpha / (K − 1) (Bonferroni over its K − 1 comparisons). Null: no winner.
 */
export function zTestWinner(arms: readonly Counts[], alpha: number): number | null {
  const rates = arms.map((arm) => (arm.trials === 0 ? 0 : arm.successes / arm.trials))
  let best = 0
  rates.forEach((rate, i) => {
    if (rate > (rates[best] as number)) best = i
  })
  const critical = normalQuantile(1 - alpha / (arms.length - 1) / 2)
  const top = arms[best] as Counts
  const beatsAll = arms.every((arm, i) => i === best || twoProportionZ(top, arm) >= critical)
  return beatsAll ? best : null
}
