import { type AdSums, compareAds, type ExperimentMetric } from '@adpulse/experiments'
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
 * window. Each campaign's ads are compared by the creative test of
 * packages/experiments (compareAds: anytime-valid intervals at α/K for K ads,
 * holding together at every look with probability ≥ `confidence`), once per
 * campaign and metric, when a condition first asks. The lift's interval
 * follows from them: if every interval holds, the best other ad's value lies
 * in [max lower, max upper] of the others, so
 *   lift ∈ [lower_ad / max upper_others − 1, upper_ad / max lower_others − 1].
 * `ctr_lift < 0` holds exactly when the ad's upper bound is below another ad's
 * lower bound; `ctr_lift > 0` when its lower bound is above every other's
 * upper bound (compareAds' `winner`). A campaign with one ad has no lift (null:
 * no condition on it holds).
 */
export function adLifts(rows: readonly AdWindowSums[], confidence: number): Map<string, AdLiftLookups> {
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
    const figures = new Map<ExperimentMetric, AdFigure[] | null>()
    const figuresOf = (metric: ExperimentMetric): AdFigure[] | null => {
      if (!figures.has(metric)) figures.set(metric, campaignFigures(ads, metric, confidence))
      return figures.get(metric) ?? null
    }
    ads.forEach((ad, i) => {
      const lift = (name: string, pick: (figures: LiftFigures) => Interval | null): Interval | null => {
        const metric = METRIC_OF[name]
        const all = metric === undefined ? null : figuresOf(metric)
        return all === null ? null : pick(liftFigures(all, i))
      }
      lookups.set(entityKey(ad.channel, ad.campaign_id ?? null, ad.ad_id ?? null), {
        interval: (name) => lift(name, (f) => f.interval),
        point: (name) => lift(name, (f) => f.point),
      })
    })
  }
  return lookups
}

function campaignFigures(
  ads: readonly AdWindowSums[],
  metric: ExperimentMetric,
  confidence: number,
): AdFigure[] | null {
  if (ads.length < 2) return null
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
