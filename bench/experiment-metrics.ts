import type { Outcome } from './experiment-run.ts'
import type { CampaignSpec } from './experiment-sim.ts'
import { plannedTrials } from './experiment-stats.ts'
import { median, quantile } from './stats.ts'

/** Lift buckets for power: [low, high). */
export const LIFT_BUCKETS: ReadonlyArray<readonly [number, number]> = [
  [0.05, 0.1],
  [0.1, 0.2],
  [0.2, 0.31],
]

export interface ExperimentMetrics {
  aaCampaigns: number
  /** A/A campaigns in which some ad was declared the winner. */
  falseWinners: number
  liftCampaigns: number
  /** Campaigns with a true lift in which a worse ad was declared the winner. */
  wrongWinners: number
  /** Share of campaigns with a true lift in which the better ad was declared the winner, overall and per bucket. */
  power: number
  powerByBucket: number[]
  /**
   * Impressions per ad at the decision over the planned test's, in the
   * campaigns with a true lift; no decision by the horizon counts as the
   * horizon (so the mean is a lower bound for an unbounded test).
   */
  ratioMedian: number
  ratioMean: number
  /** The ratio by which this decider has found the better ad in `powerTarget` of the campaigns (∞: never). */
  ratioAtPower: number
  /**
   * Impressions to a decision at the same power: the mean ratio of this
   * decider stopped at ratioAtPower (a winner before it, else "no winner"
   * there), which then finds the better ad as often as the planned test.
   */
  meanAtPower: number
  /**
   * The other way round: the mean ratio over that of a planned z-test sized
   * (Fleiss) to this decider's measured power, per campaign.
   */
  meanAgainstPlannedAtOwnPower: number
}

/** The figures of one decider over a run's campaigns; `powerTarget` is the planned test's measured power. */
export function experimentMetrics(
  specs: readonly CampaignSpec[],
  outcomes: readonly Outcome[],
  powerTarget: number,
  alpha: number,
): ExperimentMetrics {
  const aa = specs.flatMap((spec, i) => (spec.best === null ? [outcomes[i] as Outcome] : []))
  const lifted = specs.flatMap((spec, i) =>
    spec.best === null ? [] : [{ spec, outcome: outcomes[i] as Outcome }],
  )
  const found = ({ spec, outcome }: { spec: CampaignSpec; outcome: Outcome }): boolean =>
    outcome.winner !== null && outcome.winner === spec.best
  const ratios = lifted.map(({ spec, outcome }) => outcome.impressions / spec.plannedImpressions)
  const foundRatios = lifted.map((c, i) => (found(c) ? (ratios[i] as number) : Number.POSITIVE_INFINITY))
  const share = (xs: readonly unknown[], n: number): number => (n === 0 ? Number.NaN : xs.length / n)
  const ratioAtPower = quantile(foundRatios, powerTarget)
  const power = share(lifted.filter(found), lifted.length)
  const mean = (xs: readonly number[]): number => xs.reduce((s, r) => s + r, 0) / xs.length
  const ownPowerRatios = lifted.map(
    ({ spec }, i) => (ratios[i] as number) / plannedAtPower(spec, alpha, Math.min(power, 0.999)),
  )
  return {
    aaCampaigns: aa.length,
    falseWinners: aa.filter((o) => o.winner !== null).length,
    liftCampaigns: lifted.length,
    wrongWinners: lifted.filter((c) => c.outcome.winner !== null && !found(c)).length,
    power,
    powerByBucket: LIFT_BUCKETS.map(([low, high]) => {
      const inBucket = lifted.filter((c) => c.spec.lift >= low && c.spec.lift < high)
      return share(inBucket.filter(found), inBucket.length)
    }),
    ratioMedian: median(ratios),
    ratioMean: mean(ratios),
    ratioAtPower,
    meanAtPower: Number.isFinite(ratioAtPower)
      ? mean(ratios.map((r) => Math.min(r, ratioAtPower)))
      : ratioAtPower,
    meanAgainstPlannedAtOwnPower: mean(ownPowerRatios),
  }
}

/** A campaign's planned sample at `power` over its planned sample (at 0.8, as the simulation plans it). */
function plannedAtPower(spec: CampaignSpec, alpha: number, power: number): number {
  const rates = spec.metric === 'ctr' ? spec.ctr : spec.cvr
  const base = rates[spec.best === 0 ? 1 : 0] as number
  const perAlpha = alpha / (rates.length - 1)
  const at = (p: number): number => plannedTrials(base, base * (1 + spec.lift), perAlpha, p)
  return at(power) / at(0.8)
}
