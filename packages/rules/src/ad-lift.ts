import { type AdSums, compareAds, type ExperimentMetric, liftSequence, pairPrior } from '@adpulse/experiments'
import type { Lookup } from './conditions.ts'
import { entityKey } from './entity-keys.ts'
import type { Interval } from './intervals.ts'

/**
 * What an ad-scoped rule's conditions may name besides the KPIs: the lift of
 * the ad's CTR, CVR or revenue per impression against the best of its
 * campaign's other ads, θ_ad / max(θ_others) − 1 (0.1: 10 % better; −0.2:
 * 20 % worse). docs/decisions.md, Ad-level decisions.
 */
export const AD_LIFT_NAMES = ['ctr_lift', 'cvr_lift', 'revenue_per_impression_lift'] as const

/** An ad's sums in a window, with its channel, campaign and ad. */
export interface AdWindowSums extends Omit<AdSums, 'ad_id'> {
  channel: string
  campaign_id?: string | undefined
  ad_id?: string | undefined
}

/** The lifts of one ad: with their intervals (what `when` is judged on) and as estimates (`exit`). */
export interface AdLiftLookups {
  interval: Lookup
  point: Lookup
}

const METRIC_OF: Readonly<Record<string, ExperimentMetric>> = {
  ctr_lift: 'ctr',
  cvr_lift: 'cvr',
  revenue_per_impression_lift: 'revenue_per_impression',
}

/** One ad's figure in its campaign's creative test. */
interface AdFigure {
  estimate: number
  lower: number
  upper: number
}

/**
 * The lift lookups of every ad with an id (ad_id '' is no ad: events without
 * one, or rows written before ads were kept), by entityKey, for the ads of one
 * window, once per campaign and metric, when a condition first asks.
 *
 * CTR and CVR: from the test of two ads of packages/experiments
 * (liftSequence: the always-valid interval of θ_ad / θ_other − 1 from the split
 * of their successes, each of the K(K−1)/2 pairs at α / (K(K−1)/2), so all hold
 * together at every look with probability ≥ `confidence`; its prior tuned to
 * `minLift` when the rule has one). The lift against the best other ad is
 * θ_ad / max θ_others − 1 = min over the others of θ_ad / θ_other − 1, so it
 * lies in [min lower, min upper]: `ctr_lift > 0` holds exactly when the ad
 * beats every other in the test (compareAds' `winner`), `ctr_lift < 0` when
 * some other ad beats it.
 *
 * Revenue per impression: from compareAds' intervals at α/K (K ads), holding
 * together at every look with probability ≥ `confidence`: if they hold, the
 * best other ad's value lies in [max lower, max upper] of the others, so
 *   lift ∈ [lower_ad / max upper_others − 1, upper_ad / max lower_others − 1].
 *
 * A campaign with one ad has no lift (null: no condition on it holds).
 */
export function adLifts(
  rows: readonly AdWindowSums[],
  confidence: number,
  minLift?: number,
): Map<string, AdLiftLookups> {
  const campaigns = new Map<string, AdWindowSums[]>()
  for (const row of rows) {
    if (row.ad_id === undefined || row.ad_id === '' || row.campaign_id === undefined) continue
    const key = entityKey(row.channel, row.campaign_id)
    const ads = campaigns.get(key) ?? []
    ads.push(row)
    campaigns.set(key, ads)
  }
  const lookups = new Map<string, AdLiftLookups>()
  for (const ads of campaigns.values()) {
    const figures = new Map<ExperimentMetric, LiftFigures[] | null>()
    const figuresOf = (metric: ExperimentMetric): LiftFigures[] | null => {
      if (!figures.has(metric)) figures.set(metric, campaignLifts(ads, metric, confidence, minLift))
      return figures.get(metric) ?? null
    }
    ads.forEach((ad, i) => {
      const lift = (name: string, pick: (figures: LiftFigures) => Interval | null): Interval | null => {
        const metric = METRIC_OF[name]
        const all = metric === undefined ? null : figuresOf(metric)
        return all === null ? null : pick(all[i] as LiftFigures)
      }
      lookups.set(entityKey(ad.channel, ad.campaign_id ?? null, ad.ad_id ?? null), {
        interval: (name) => lift(name, (f) => f.interval),
        point: (name) => lift(name, (f) => f.point),
      })
    })
  }
  return lookups
}

/** Every ad's lift figures in its campaign on one metric; null for a campaign with one ad. */
function campaignLifts(
  ads: readonly AdWindowSums[],
  metric: ExperimentMetric,
  confidence: number,
  minLift: number | undefined,
): LiftFigures[] | null {
  if (ads.length < 2) return null
  if (metric === 'revenue_per_impression') {
    const all = intervalFigures(ads, metric, confidence)
    return all.map((_, i) => liftFigures(all, i))
  }
  const counts = ads.map((ad) =>
    metric === 'ctr'
      ? { successes: ad.clicks, trials: ad.impressions }
      : { successes: ad.conversions, trials: ad.clicks },
  )
  const pairAlpha = (2 * (1 - confidence)) / (ads.length * (ads.length - 1))
  const estimates = counts.map((c) => (c.trials === 0 ? 0 : Math.min(c.successes, c.trials) / c.trials))
  return counts.map((own, i) => {
    const pairs = counts.flatMap((other, j) =>
      j === i ? [] : [liftSequence(own, other, pairAlpha, pairPrior(own, other, pairAlpha, minLift))],
    )
    const maxEstimate = Math.max(...estimates.filter((_, j) => j !== i))
    const estimate = maxEstimate > 0 ? (estimates[i] as number) / maxEstimate - 1 : null
    return {
      interval: {
        lower: Math.min(...pairs.map((p) => p.lower)),
        upper: Math.min(...pairs.map((p) => p.upper)),
      },
      point: estimate === null ? null : { lower: estimate, upper: estimate },
    }
  })
}

/** compareAds' intervals at α/K (revenue per impression). */
function intervalFigures(
  ads: readonly AdWindowSums[],
  metric: ExperimentMetric,
  confidence: number,
): AdFigure[] {
  const test = compareAds(
    ads.map((ad) => ({ ...ad, ad_id: ad.ad_id ?? '' })),
    metric,
    { confidence, withProbability: false },
  )
  return test.ads.map((ad) => ({
    estimate: ad.estimate,
    lower: ad.interval.lower,
    upper: ad.interval.upper ?? Number.POSITIVE_INFINITY,
  }))
}

interface LiftFigures {
  interval: Interval
  point: Interval | null
}

/** Ad i's lift against the best of the others: its interval, and its estimate (null when the best estimate is 0). */
function liftFigures(all: readonly AdFigure[], i: number): LiftFigures {
  const ad = all[i] as AdFigure
  const others = all.filter((_, j) => j !== i)
  const maxUpper = Math.max(...others.map((o) => o.upper))
  const maxLower = Math.max(...others.map((o) => o.lower))
  const maxEstimate = Math.max(...others.map((o) => o.estimate))
  // θ_ad ≥ lower_ad and θ_best ≤ maxUpper; a best other of 0 leaves the ratio unbounded above.
  const lower = maxUpper > 0 ? ad.lower / maxUpper - 1 : ad.lower > 0 ? Number.POSITIVE_INFINITY : -1
  const upper = maxLower > 0 ? ad.upper / maxLower - 1 : Number.POSITIVE_INFINITY
  const estimate = maxEstimate > 0 ? ad.estimate / maxEstimate - 1 : null
  return {
    interval: { lower, upper },
    point: estimate === null ? null : { lower: estimate, upper: estimate },
  }
}
