import { type PosteriorArm, probabilityBest } from './probability-best.ts'
import { type Interval, rateSequence } from './rate-sequence.ts'
import { DEFAULT_SPLIT_PRIOR, type PriorComponent, rateAbove } from './split-test.ts'
import { pairPrior } from './split-tuning.ts'

/** What a creative test compares (GET /v1/experiments `metric=`). */
export const EXPERIMENT_METRICS = ['ctr', 'cvr', 'revenue_per_impression'] as const
export type ExperimentMetric = (typeof EXPERIMENT_METRICS)[number]

export type ExperimentStatus = 'collecting' | 'winner' | 'no_clear_winner'

/** One ad's sums over the window. */
export interface AdSums {
  ad_id: string
  impressions: number
  clicks: number
  conversions: number
  /** Σ conversion values, micros (a bigint or an exact double). */
  revenue_micros: bigint | number
}

export interface ExperimentOptions {
  /** 1 − α: the probability that no interval ever misses, over every look together. */
  confidence: number
  /**
   * "Enough exposure" for `no_clear_winner`: every ad's interval no wider than
   * this fraction of the campaign's pooled figure (0.25: a CTR of 2 % known to
   * within 0.5 points). Default DEFAULT_RESOLUTION.
   */
  resolution?: number
  /**
   * The prior of the test of two ads against each other (CTR, CVR): which
   * differences it finds quickest (split-test.ts). Default DEFAULT_SPLIT_PRIOR.
   */
  splitPrior?: readonly PriorComponent[]
  /**
   * The smallest relative lift the campaign wants to find (0.1: 10 %): when
   * given, each pair's prior is tuned to it (split-tuning.ts), in place of
   * `splitPrior`.
   */
  minLift?: number
  /** Whether to compute probabilityBest (10⁴ draws per ad); false leaves it NaN, for simulations. Default true. */
  withProbability?: boolean
}

export const DEFAULT_RESOLUTION = 0.25

/** Relative lift against the best ad: estimate / best − 1. `upper` null: unbounded (the best's lower bound is 0). */
export interface Lift {
  estimate: number
  lower: number
  upper: number | null
}

export interface AdResult extends AdSums {
  estimate: number
  /** `upper` null: unbounded (revenue per impression with no conversion in the campaign). */
  interval: { lower: number; upper: number | null }
  /** Null when the best ad's estimate is 0 (nothing to be relative to). */
  lift: Lift | null
  probabilityBest: number
}

export interface ExperimentResult {
  metric: ExperimentMetric
  status: ExperimentStatus
  confidence: number
  /** The ad with the highest estimate (the first by input order on a tie). */
  bestAdId: string
  ads: AdResult[]
}

/** An ad as the metric sees it: successes of trials, each success worth `value` (and its bounds). */
interface Arm {
  successes: number
  trials: number
  estimate: number
  valueLow: number
  valueHigh: number
  posteriorValue: number
}

/**
 * The creative test of one campaign's ads (two or more) on one metric, by the
 * method of docs/experiments.md:
 *  - each ad's always-valid interval at α/K (K ads, Bonferroni), so all K hold
 *    together at every look with probability at least 1 − α;
 *  - CTR and CVR: `winner` when the best ad beats every other ad in the test of
 *    two ads against each other (split-test.ts) at α over the K(K−1)/2 pairs,
 *    so a worse or equal ad is ever declared the winner with probability at
 *    most α; revenue per impression: when the best ad's lower bound is above
 *    every other ad's upper bound;
 *  - else `no_clear_winner` when every interval is narrower than
 *    `resolution` × the pooled figure; else `collecting`;
 *  - lifts against the best ad from the same intervals (they hold together);
 *  - the probability of being best, reported, not decided on.
 */
export function compareAds(
  ads: readonly AdSums[],
  metric: ExperimentMetric,
  options: ExperimentOptions,
): ExperimentResult {
  const {
    confidence,
    resolution = DEFAULT_RESOLUTION,
    withProbability = true,
    splitPrior = DEFAULT_SPLIT_PRIOR,
    minLift,
  } = options
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`compareAds: confidence must be in (0, 1), got ${confidence}`)
  if (ads.length < 2) throw new RangeError('compareAds: a test needs two or more ads')
  const arms = armsOf(ads, metric)
  const alpha = (1 - confidence) / ads.length
  const intervals = arms.map((arm): Interval => {
    const rate = rateSequence(arm.successes, arm.trials, alpha)
    return { lower: arm.valueLow * rate.lower, upper: arm.valueHigh * rate.upper }
  })
  const best = argmax(arms.map((arm) => arm.estimate))
  const bestInterval = intervals[best] as Interval
  const others = intervals.filter((_, i) => i !== best)
  const pairAlpha = (2 * (1 - confidence)) / (ads.length * (ads.length - 1))
  const top = arms[best] as Arm
  const winner =
    metric === 'revenue_per_impression'
      ? others.every((interval) => bestInterval.lower > interval.upper)
      : arms.every(
          (arm, i) =>
            i === best || rateAbove(top, arm, pairAlpha, pairPrior(top, arm, pairAlpha, minLift, splitPrior)),
        )
  const pooled = pooledEstimate(ads, metric)
  const enough =
    pooled > 0 && intervals.every((interval) => interval.upper - interval.lower <= resolution * pooled)
  const posterior = arms.map(
    (arm): PosteriorArm => ({ successes: arm.successes, trials: arm.trials, value: arm.posteriorValue }),
  )
  const probabilities = withProbability ? probabilityBest(posterior) : posterior.map(() => Number.NaN)
  const bestEstimate = (arms[best] as Arm).estimate
  return {
    metric,
    status: winner ? 'winner' : enough ? 'no_clear_winner' : 'collecting',
    confidence,
    bestAdId: (ads[best] as AdSums).ad_id,
    ads: ads.map((ad, i) => {
      const interval = intervals[i] as Interval
      const estimate = (arms[i] as Arm).estimate
      return {
        ...ad,
        estimate,
        interval: { lower: interval.lower, upper: finite(interval.upper) },
        lift: i === best ? lifeless(bestEstimate) : liftOf(estimate, interval, bestEstimate, bestInterval),
        probabilityBest: probabilities[i] as number,
      }
    }),
  }
}

/** ratio − 1 of the ad against the best, bounds from both intervals (lower over upper, upper over lower). */
function liftOf(estimate: number, interval: Interval, bestEstimate: number, best: Interval): Lift | null {
  if (bestEstimate === 0 || best.upper === 0) return null
  return {
    estimate: estimate / bestEstimate - 1,
    lower: interval.lower / best.upper - 1,
    upper: best.lower === 0 || !Number.isFinite(interval.upper) ? null : interval.upper / best.lower - 1,
  }
}

/** The best ad against itself: exactly 0. */
const lifeless = (bestEstimate: number): Lift | null =>
  bestEstimate === 0 ? null : { estimate: 0, lower: 0, upper: 0 }

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null)

function argmax(values: readonly number[]): number {
  let best = 0
  values.forEach((v, i) => {
    if (v > (values[best] as number)) best = i
  })
  return best
}

/**
 * Revenue per impression is conversions per impression times a value per
 * conversion. The rate gets the confidence sequence; the value is bracketed
 * between the ad's own mean and the campaign's (docs/experiments.md, Revenue
 * per impression): a few large orders can widen an ad's interval but never make
 * it a winner, only more conversions per impression can.
 */
function armsOf(ads: readonly AdSums[], metric: ExperimentMetric): Arm[] {
  if (metric !== 'revenue_per_impression') {
    return ads.map((ad) => {
      const [successes, trials] = metric === 'ctr' ? [ad.clicks, ad.impressions] : [ad.conversions, ad.clicks]
      const estimate = trials === 0 ? 0 : Math.min(successes, trials) / trials
      return { successes, trials, estimate, valueLow: 1, valueHigh: 1, posteriorValue: 1 }
    })
  }
  const conversions = ads.reduce((sum, ad) => sum + ad.conversions, 0)
  const revenue = ads.reduce((sum, ad) => sum + Number(ad.revenue_micros), 0)
  const campaignValue = conversions === 0 ? Number.POSITIVE_INFINITY : revenue / conversions
  return ads.map((ad) => {
    const own = ad.conversions === 0 ? campaignValue : Number(ad.revenue_micros) / ad.conversions
    return {
      successes: ad.conversions,
      trials: ad.impressions,
      estimate: ad.impressions === 0 ? 0 : Number(ad.revenue_micros) / ad.impressions,
      valueLow: conversions === 0 ? 0 : Math.min(own, campaignValue),
      valueHigh: Math.max(own, campaignValue),
      posteriorValue: Number.isFinite(own) ? own : 0,
    }
  })
}

function pooledEstimate(ads: readonly AdSums[], metric: ExperimentMetric): number {
  const sum = (pick: (ad: AdSums) => number): number => ads.reduce((s, ad) => s + pick(ad), 0)
  const impressions = sum((ad) => ad.impressions)
  const clicks = sum((ad) => ad.clicks)
  if (metric === 'ctr')
    return impressions === 0 ? 0 : sum((ad) => Math.min(ad.clicks, ad.impressions)) / impressions
  if (metric === 'cvr') return clicks === 0 ? 0 : sum((ad) => Math.min(ad.conversions, ad.clicks)) / clicks
  return impressions === 0 ? 0 : sum((ad) => Number(ad.revenue_micros)) / impressions
}
