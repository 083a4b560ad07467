import { logBeta } from './log-gamma.ts'

/**
 * Two ads against each other, always valid (docs/experiments.md, Two ads
 * against each other): of the successes of both ads, the share that went to ad
 * A, against A's share of the trials.
 *
 * With A's share of the trials s = nA / (nA + nB) and the successes kA, kB, the
 * statistic is the mixture over π ~ Beta(m·s, m·(1−s)) of the binomial
 * likelihood ratios of "a success is A's with probability π" against "with
 * probability s":
 *   E = B(kA + m·s, kB + m·(1−s)) / B(m·s, m·(1−s)) / (s^kA (1−s)^kB).
 * If the two rates are equal and the ads share the traffic in steady
 * proportion, E is a nonnegative supermartingale starting at 1 (for each π it
 * is the limit of exact e-values of the two-sample Bernoulli test; see the
 * doc), so by Ville's inequality it ever reaches 1/α with probability at most α,
 * however often it is read. The successes split carries nearly all the
 * information about a difference of two small rates, and no part of it is
 * spent on bounding each rate on its own: the test needs far fewer trials than
 * two separate intervals do.
 *
 * m (the prior strength) sets which differences it is quickest to find: the
 * prior's spread of π is about √(s(1−s) / m); at s = ½ and m = 200 that is
 * ±0.035, the split of a relative lift of about 15 %, while m = 2 (uniform at
 * s = ½) suits a large difference in few successes. The test mixes several
 * strengths (a weighted average of such E is one too), so it is quick for
 * both, at a cost of at most ln(1 / weight) in ln E for each. They are
 * constants, never fitted to the data being tested.
 */

export interface RateCounts {
  successes: number
  trials: number
}

/** One component of the mixture: a prior strength m and its weight. */
export interface PriorComponent {
  strength: number
  weight: number
}

/** The prior of GET /v1/experiments (tuned in docs/benchmarks.md, Experiments). */
export const DEFAULT_SPLIT_PRIOR: readonly PriorComponent[] = [
  { strength: 200, weight: 0.9 },
  { strength: 2, weight: 0.1 },
]

/**
 * ln E for ad a against ad b (successes capped at trials), E the weighted
 * average over the prior's components (weights summing to 1). 0 when either
 * has no trials.
 */
export function logSplitMixture(a: RateCounts, b: RateCounts, prior: readonly PriorComponent[]): number {
  const total = prior.reduce((sum, c) => sum + c.weight, 0)
  if (prior.length === 0 || !prior.every((c) => c.strength > 0 && c.weight > 0) || Math.abs(total - 1) > 1e-9)
    throw new RangeError('logSplitMixture: the prior needs strengths > 0 and weights > 0 summing to 1')
  if (a.trials <= 0 || b.trials <= 0) return 0
  const kA = Math.min(a.successes, a.trials)
  const kB = Math.min(b.successes, b.trials)
  const s = a.trials / (a.trials + b.trials)
  const logs = prior.map(({ strength, weight }) => {
    const priorA = strength * s
    const priorB = strength * (1 - s)
    const ratio =
      logBeta(kA + priorA, kB + priorB) - logBeta(priorA, priorB) - kA * Math.log(s) - kB * Math.log1p(-s)
    return Math.log(weight) + ratio
  })
  // ln Σ e^logs, without overflow.
  const top = Math.max(...logs)
  return top + Math.log(logs.reduce((sum, l) => sum + Math.exp(l - top), 0))
}

/**
 * Whether ad a's rate is above ad b's with confidence 1 − α at every look: a's
 * estimate is the higher and E ≥ 1/α. If b's rate is in truth at least a's,
 * that happens with probability at most α (the half of the mixture on the other
 * side never exceeds its prior weight: see the doc).
 */
export function rateAbove(
  a: RateCounts,
  b: RateCounts,
  alpha: number,
  prior: readonly PriorComponent[] = DEFAULT_SPLIT_PRIOR,
): boolean {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`rateAbove: alpha must be in (0, 1), got ${alpha}`)
  if (a.trials <= 0 || b.trials <= 0) return false
  const above = Math.min(a.successes, a.trials) / a.trials > Math.min(b.successes, b.trials) / b.trials
  return above && logSplitMixture(a, b, prior) >= Math.log(1 / alpha)
}

/** A lift θa / θb − 1 with its bounds; `upper` +∞ when b has no success. */
export interface LiftBounds {
  lower: number
  upper: number
}

/**
 * The always-valid interval of ad a's lift over ad b, θa / θb − 1, from the
 * same mixture (docs/experiments.md, The lift of one ad over another). With
 * steady shares, a success is a's with probability π0 = s·r / (s·r + 1 − s)
 * when θa / θb = r, for every common level of the rates; the mixture against
 * π0 in place of s, E(π0) = E · s^kA (1−s)^kB / (π0^kA (1−π0)^kB), is then a
 * nonnegative supermartingale, so the ratios r whose E(π0) stays below 1/α form
 * a confidence sequence: the true one is ever outside with probability at
 * most α. ln E(π0) is convex in π0 with its least value (≤ 0) at π̂ = kA / (kA
 * + kB), so the set is an interval around π̂, found by bisection. Its lower end
 * is above 0 exactly when rateAbove(a, b) holds. No trials or no successes:
 * nothing known ([−1, +∞)).
 */
export function liftSequence(
  a: RateCounts,
  b: RateCounts,
  alpha: number,
  prior: readonly PriorComponent[] = DEFAULT_SPLIT_PRIOR,
): LiftBounds {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`liftSequence: alpha must be in (0, 1), got ${alpha}`)
  const kA = Math.min(a.successes, a.trials)
  const kB = Math.min(b.successes, b.trials)
  if (a.trials <= 0 || b.trials <= 0 || kA + kB === 0) return { lower: -1, upper: Number.POSITIVE_INFINITY }
  const s = a.trials / (a.trials + b.trials)
  // ln of the mixture's marginal likelihood; E(π0) = marginal / (π0^kA (1−π0)^kB).
  const marginal = logSplitMixture(a, b, prior) + kA * Math.log(s) + kB * Math.log1p(-s)
  const threshold = marginal - Math.log(1 / alpha)
  const inside = (pi: number): boolean => kA * Math.log(pi) + kB * Math.log1p(-pi) > threshold
  const top = kA / (kA + kB)
  const low = kA === 0 ? 0 : bisect(inside, 0, top)
  const high = kB === 0 ? 1 : bisect(inside, 1, top)
  const ratio = (pi: number): number => (pi * (1 - s)) / ((1 - pi) * s)
  return { lower: ratio(low) - 1, upper: high === 1 ? Number.POSITIVE_INFINITY : ratio(high) - 1 }
}

/** The boundary between `outside` (false) and `inside` (true), to 1e-12. */
function bisect(inside: (x: number) => boolean, outside: number, within: number): number {
  let [out, inn] = [outside, within]
  for (let i = 0; i < 60 && Math.abs(out - inn) > 1e-12; i++) {
    const mid = (out + inn) / 2
    if (inside(mid)) inn = mid
    else out = mid
  }
  return (out + inn) / 2
}
