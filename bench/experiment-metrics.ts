import type { Outcome } from './experiment-run.ts'
import type { CampaignSpec } from './experiment-sim.ts'
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
}

/** The figures of one decider over a run's campaigns; `powerTarget` is the planned test's measured power. */
export function experimentMetrics(
  specs: readonly CampaignSpec[],
  outcomes: readonly Outcome[],
  powerTarget: number,
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
  return {
    aaCampaigns: aa.length,
    falseWinners: aa.filter((o) => o.winner !== null).length,
    liftCampaigns: lifted.length,
    wrongWinners: lifted.filter((c) => c.outcome.winner !== null && !found(c)).length,
    power: share(lifted.filter(found), lifted.length),
    powerByBucket: LIFT_BUCKETS.map(([low, high]) => {
      const inBucket = lifted.filter((c) => c.spec.lift >= low && c.spec.lift < high)
      return share(inBucket.filter(found), inBucket.length)
    }),
    ratioMedian: median(ratios),
    ratioMean: ratios.reduce((s, r) => s + r, 0) / ratios.length,
    ratioAtPower: quantile(foundRatios, powerTarget),
  }
}
