import { plannedTrials } from './experiment-stats.ts'
import { mulberry32, normal, type Rng, streamSeed, uniform } from './prng.ts'

/**
 * Simulated creative tests: campaigns of 2 or 3 ads with known CTR and CVR, one
 * ad better by a known lift on the tested metric (or none: A/A), impressions
 * arriving in equal steps per ad, each step a look.
 */

export type TestedMetric = 'ctr' | 'cvr'

export interface CampaignSpec {
  metric: TestedMetric
  /** Per ad: the true CTR and CVR. */
  ctr: number[]
  cvr: number[]
  /** The true relative lift of the better ad on the tested metric; 0: A/A. */
  lift: number
  /** The better ad (index); null in an A/A campaign. */
  best: number | null
  /** The minimum detectable effect the test was planned for (the true lift, or a drawn one in A/A). */
  plannedLift: number
  /** Impressions per ad the planned z-test needs (the metric's trials converted to impressions). */
  plannedImpressions: number
  /** Impressions per ad per look. */
  impressionsPerLook: number
  /** The look at which the planned test reads its one answer: plannedImpressions reached. */
  plannedLook: number
  /** The last look: the horizon of the sequential tests. */
  looks: number
}

export interface SimParams {
  alpha: number
  power: number
  /** Share of A/A campaigns. */
  aaShare: number
  /** Share of campaigns with three ads. */
  threeAdShare: number
  /** Share of campaigns testing CVR (the rest test CTR). */
  cvrShare: number
  /** True lifts of the other campaigns: uniform in [low, high]. */
  lift: { low: number; high: number }
  /** The planned test lasts this many days (uniform), so traffic is what makes the effect detectable then. */
  plannedDays: { low: number; high: number }
  looksPerDay: number
  /** The sequential tests run up to this multiple of the planned sample. */
  horizon: number
}

export const DEFAULT_SIM: SimParams = {
  alpha: 0.05,
  power: 0.8,
  aaShare: 0.4,
  threeAdShare: 0.25,
  cvrShare: 0.4,
  lift: { low: 0.05, high: 0.3 },
  plannedDays: { low: 7, high: 28 },
  looksPerDay: 6,
  horizon: 3,
}

/**
 * One campaign, from its own stream of the seed. Base CTR lognormal around 2 %
 * (1–3 % for most), CVR around 2.5 % (1–5 %). Traffic is set so that the
 * planned test, at the campaign's minimum detectable effect, takes its planned
 * days (as a planner picks the effect the traffic can detect in the time).
 */
export function campaignSpec(params: SimParams, rng: Rng): CampaignSpec {
  const ads = rng() < params.threeAdShare ? 3 : 2
  const metric: TestedMetric = rng() < params.cvrShare ? 'cvr' : 'ctr'
  const baseCtr = clamp(0.02 * Math.exp(0.25 * normal(rng)), 0.008, 0.04)
  const baseCvr = clamp(0.025 * Math.exp(0.35 * normal(rng)), 0.008, 0.06)
  const aa = rng() < params.aaShare
  const drawn = uniform(rng, params.lift.low, params.lift.high)
  const lift = aa ? 0 : drawn
  const best = aa ? null : Math.floor(rng() * ads)
  const factor = (i: number, m: TestedMetric): number => (metric === m && i === best ? 1 + lift : 1)
  const ctr = Array.from({ length: ads }, (_, i) => baseCtr * factor(i, 'ctr'))
  const cvr = Array.from({ length: ads }, (_, i) => baseCvr * factor(i, 'cvr'))
  const base = metric === 'ctr' ? baseCtr : baseCvr
  const trials = plannedTrials(base, base * (1 + drawn), params.alpha / (ads - 1), params.power)
  const plannedImpressions = metric === 'ctr' ? trials : Math.ceil(trials / baseCtr)
  const plannedDays = uniform(rng, params.plannedDays.low, params.plannedDays.high)
  const impressionsPerLook = Math.ceil(plannedImpressions / Math.round(plannedDays * params.looksPerDay))
  // The first look with the planned sample (ceil can reach it a look early).
  const plannedLook = Math.ceil(plannedImpressions / impressionsPerLook)
  return {
    metric,
    ctr,
    cvr,
    lift,
    best,
    plannedLift: drawn,
    plannedImpressions,
    impressionsPerLook,
    plannedLook,
    looks: Math.ceil(params.horizon * plannedLook),
  }
}

export const clamp = (x: number, low: number, high: number): number => Math.min(high, Math.max(low, x))

/** The campaigns of one run: campaign i from stream i of the seed, so a run replays. */
export function campaignSpecs(params: SimParams, seed: number, count: number): CampaignSpec[] {
  return Array.from({ length: count }, (_, i) => campaignSpec(params, mulberry32(streamSeed(seed, i))))
}

/**
 * A binomial draw: exact by inversion while the mean is below 40, else the
 * normal approximation (rounded, clipped to [0, n]), within a fraction of a
 * percent there.
 */
export function binomial(rng: Rng, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0
  if (p >= 1) return n
  const mean = n * p
  if (mean >= 40) return clamp(Math.round(mean + Math.sqrt(mean * (1 - p)) * normal(rng)), 0, n)
  const u = rng()
  let k = 0
  let probability = (1 - p) ** n
  let cumulative = probability
  const odds = p / (1 - p)
  while (u > cumulative && k < n) {
    probability *= ((n - k) / (k + 1)) * odds
    k += 1
    cumulative += probability
  }
  return k
}

/** One ad's running sums. */
export interface AdCounts {
  impressions: number
  clicks: number
  conversions: number
}

/** One look's worth of traffic added to every ad's sums. */
export function step(spec: CampaignSpec, counts: AdCounts[], rng: Rng): void {
  counts.forEach((ad, i) => {
    const clicks = binomial(rng, spec.impressionsPerLook, spec.ctr[i] as number)
    ad.impressions += spec.impressionsPerLook
    ad.clicks += clicks
    ad.conversions += binomial(rng, clicks, spec.cvr[i] as number)
  })
}

/** The tested metric's successes of trials. */
export function metricCounts(ad: AdCounts, metric: TestedMetric): { successes: number; trials: number } {
  return metric === 'ctr'
    ? { successes: ad.clicks, trials: ad.impressions }
    : { successes: ad.conversions, trials: ad.clicks }
}
