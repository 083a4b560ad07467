import { type AdSums, compareAds, type PriorComponent, rateSequence } from '@adpulse/experiments'
import { type AdCounts, type CampaignSpec, metricCounts, type TestedMetric } from './experiment-sim.ts'
import { zTestWinner } from './experiment-stats.ts'

/**
 * A way to read a creative test at a look: the winning ad's index, or null.
 * `planned` deciders read once, at the planned look; the others at every look
 * until they declare a winner (and stop there, as the test is stopped).
 */
export interface ExperimentDecider {
  label: string
  planned: boolean
  decide: (ads: readonly AdCounts[], metric: TestedMetric, spec: CampaignSpec) => number | null
}

const adSums = (ads: readonly AdCounts[]): AdSums[] =>
  ads.map((ad, i) => ({ ...ad, ad_id: String(i), revenue_micros: 0 }))

/**
 * How adpulse's test is tuned: a fixed prior, or tuned to each campaign's
 * minimum lift (its planned lift times `liftScale`, 1: the lift the planned
 * z-test was sized for), as GET /v1/experiments does with `min_lift=`.
 */
export type AdpulseTuning = { splitPrior: readonly PriorComponent[] } | { liftScale: number }

/** adpulse's test as GET /v1/experiments decides: status `winner` of compareAds. */
export function adpulseDecider(label: string, confidence: number, tuning?: AdpulseTuning): ExperimentDecider {
  const base = { confidence, withProbability: false }
  return {
    label,
    planned: false,
    decide: (ads, metric, spec) => {
      const options =
        tuning === undefined
          ? base
          : 'splitPrior' in tuning
            ? { ...base, splitPrior: tuning.splitPrior }
            : { ...base, minLift: spec.plannedLift * tuning.liftScale }
      const result = compareAds(adSums(ads), metric, options)
      return result.status === 'winner' ? Number(result.bestAdId) : null
    },
  }
}

/**
 * The first method of the creative tests (kept here to measure against): each
 * ad's own confidence sequence at α/K, a winner when the best ad's lower bound
 * is above every other ad's upper bound.
 */
export function separateIntervalsDecider(label: string, confidence: number): ExperimentDecider {
  return {
    label,
    planned: false,
    decide: (ads, metric) => {
      const alpha = (1 - confidence) / ads.length
      const intervals = ads.map((ad) => {
        const { successes, trials } = metricCounts(ad, metric)
        return { estimate: trials === 0 ? 0 : successes / trials, ...rateSequence(successes, trials, alpha) }
      })
      let best = 0
      intervals.forEach((interval, i) => {
        if (interval.estimate > (intervals[best]?.estimate as number)) best = i
      })
      const top = intervals[best]?.lower as number
      return intervals.every((interval, i) => i === best || top > interval.upper) ? best : null
    },
  }
}

/** The two-proportion z-test, read at every look (`planned` false) or once at the planned sample. */
export function zTestDecider(label: string, alpha: number, planned: boolean): ExperimentDecider {
  return {
    label,
    planned,
    decide: (ads, metric) =>
      zTestWinner(
        ads.map((ad) => metricCounts(ad, metric)),
        alpha,
      ),
  }
}
