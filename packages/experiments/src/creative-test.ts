import { intervalLiftBounds, type Lift, lifeless, liftOf, pairLiftVsBest } from './lift-vs-best.ts'
import { type PosteriorArm, probabilityBest } from './probability-best.ts'
import { type Interval, rateSequence } from './rate-sequence.ts'
import { DEFAULT_SPLIT_PRIOR, type LiftBounds, type PriorComponent } from './split-test.ts'
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

export interface AdResult extends AdSums {
  estimate: number
  /** `upper` null: unbounded (revenue per impression with no conversion in the campaign). */
  interval: { lower: number; upper: number | null }
  /**
   * Against the best ad; CTR and CVR: from the test of the two (the pair's
   * liftSequence), so its upper end is below 0 exactly when that test declares
   * the best better; revenue per impression: from the two intervals. Null when
   * the best ad's estimate is 0 (nothing to be relative to).
   */
  lift: Lift | null
  probabilityBest: number
}

export interface ExperimentResult {
  metric: ExperimentMetric
  status: ExperimentStatus
  confidence: number
  /** The minimum lift the test of two ads was tuned to; null: the fixed prior (`splitPrior`). */
  minLift: number | null
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
 *  - every other ad's lift over the best ad: CTR and CVR from the test of two
 *    ads against each other (split-test.ts, liftSequence) at α over the
 *    K(K−1)/2 pairs; revenue per impression from the two intervals;
 *  - `winner` when every other ad's lift lies wholly below 0: CTR and CVR, the
 *    best ad beats every other in the test of two ads, so a worse or equal ad
 *    is ever declared the winner with probability at most α; revenue per
 *    impression, the best ad's lower bound is above every other ad's upper
 *    bound;
 *  - else `no_clear_winner` when every interval is narrower than
 *    `resolution` × the pooled figure; else `collecting`;
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
  const bounds = liftBoundsVsBest(arms, intervals, best, metric, { confidence, splitPrior, minLift })
  // Decided on the very bounds reported: the winner is declared over an ad exactly when its lift is below 0.
  const winner = bounds.every((b) => b === null || b.upper < 0)
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
    minLift: minLift ?? null,
    bestAdId: (ads[best] as AdSums).ad_id,
    ads: ads.map((ad, i) => {
      const interval = intervals[i] as Interval
      const estimate = (arms[i] as Arm).estimate
      const own = bounds[i] ?? null
      return {
        ...ad,
        estimate,
        interval: { lower: interval.lower, upper: finite(interval.upper) },
        lift: own === null ? lifeless(bestEstimate) : liftOf(estimate, bestEstimate, own),
        probabilityBest: probabilities[i] as number,
      }
    }),
  }
}

/**
 * Every other ad's lift over the best (null for the best itself), from what
 * decides the winner over it. CTR and CVR: the test of the two ads, each of
 * the K(K−1)/2 pairs at α / (K(K−1)/2), its prior tuned to `minLift` from the
 * best's side as the decision's is. Revenue per impression: the two separate
 * intervals at α/K (the value per conversion is no rate the test of two ads
 * can split).
 */
function liftBoundsVsBest(
  arms: readonly Arm[],
  intervals: readonly Interval[],
  best: number,
  metric: ExperimentMetric,
  options: Pick<ExperimentOptions, 'confidence' | 'splitPrior' | 'minLift'>,
): (LiftBounds | null)[] {
  const { confidence, splitPrior = DEFAULT_SPLIT_PRIOR, minLift } = options
  const top = arms[best] as Arm
  const pairAlpha = (2 * (1 - confidence)) / (arms.length * (arms.length - 1))
  return arms.map((arm, i) => {
    if (i === best) return null
    if (metric === 'revenue_per_impression')
      return intervalLiftBounds(intervals[i] as Interval, intervals[best] as Interval)
    return pairLiftVsBest(arm, top, pairAlpha, pairPrior(top, arm, pairAlpha, minLift, splitPrior))
  })
}

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
