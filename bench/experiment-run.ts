import type { ExperimentDecider } from './experiment-deciders.ts'
import { type AdCounts, type CampaignSpec, step } from './experiment-sim.ts'
import { mulberry32, type Rng } from './prng.ts'

/** What one decider did in one campaign. */
export interface Outcome {
  /** The ad it declared the winner, or null (none by the horizon, or at the planned look). */
  winner: number | null
  /** Impressions per ad when it decided (the winner's look, or the planned look), else at the horizon. */
  impressions: number
}

/**
 * Runs one campaign look by look through every decider on the same traffic.
 * Sequential deciders read each look until they declare a winner; planned ones
 * read the planned look only. The campaign stops once every decider is done.
 */
export function runCampaign(spec: CampaignSpec, deciders: readonly ExperimentDecider[], rng: Rng): Outcome[] {
  const ads: AdCounts[] = spec.ctr.map(() => ({ impressions: 0, clicks: 0, conversions: 0 }))
  const outcomes: Array<Outcome | undefined> = deciders.map(() => undefined)
  for (let look = 1; look <= spec.looks; look++) {
    step(spec, ads, rng)
    deciders.forEach((decider, i) => {
      if (outcomes[i] !== undefined) return
      if (decider.planned && look !== spec.plannedLook) return
      const winner = decider.decide(ads, spec.metric, spec)
      if (winner !== null || decider.planned) outcomes[i] = { winner, impressions: ads[0]?.impressions ?? 0 }
    })
    if (outcomes.every((o) => o !== undefined)) break
  }
  const horizon = spec.looks * spec.impressionsPerLook
  return outcomes.map((o) => o ?? { winner: null, impressions: horizon })
}

/** Every campaign of a run; campaign i's traffic from its own stream, so deciders can be added without changing it. */
export function runCampaigns(
  specs: readonly CampaignSpec[],
  deciders: readonly ExperimentDecider[],
  trafficSeed: (i: number) => number,
): Outcome[][] {
  return specs.map((spec, i) => runCampaign(spec, deciders, mulberry32(trafficSeed(i))))
}
