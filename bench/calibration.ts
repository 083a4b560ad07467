import { evaluateRule, INITIAL_RULE_STATE, type Rule, valuePrior } from '@adpulse/rules'
import type { Schedule } from './decision-run.ts'
import { expectedConversions, type Market, windowSums } from './traffic.ts'

/** Expected conversions in the window (the truth, not what was seen), in groups. */
export const EXPECTED_GROUPS = ['< 1', '1–3', '3–10', '10–30', '≥ 30', 'all'] as const
export type ExpectedGroup = (typeof EXPECTED_GROUPS)[number]

export const expectedGroup = (lambda: number): Exclude<ExpectedGroup, 'all'> =>
  lambda < 1 ? '< 1' : lambda < 3 ? '1–3' : lambda < 10 ? '3–10' : lambda < 30 ? '10–30' : '≥ 30'

export interface Coverage {
  looks: number
  /** Looks at which the channel's true ROI lay above the rule's upper bound of ROI. */
  above: number
}

export type CoverageByGroup = Record<ExpectedGroup, Coverage>

export const emptyCoverage = (): CoverageByGroup =>
  Object.fromEntries(EXPECTED_GROUPS.map((g) => [g, { looks: 0, above: 0 }])) as CoverageByGroup

export const addCoverage = (a: CoverageByGroup, b: CoverageByGroup): CoverageByGroup =>
  Object.fromEntries(
    EXPECTED_GROUPS.map((g) => [g, { looks: a[g].looks + b[g].looks, above: a[g].above + b[g].above }]),
  ) as CoverageByGroup

/**
 * How often the upper bound of ROI that a CUT is judged on lies below the true
 * ROI, over every look at which `rule` has its minimum evidence. A one-sided
 * bound at confidence c promises this at most 1 − c of the time *whatever the
 * true parameters*, so the looks are grouped by the true expected number of
 * conversions in the window (grouping by the number seen would condition on
 * the noise). Each such look of a channel with a true ROI above 0 and a bound
 * below 0 is a false cut.
 */
export function upperBoundCoverage(market: Market, rule: Rule, schedule: Schedule): CoverageByGroup {
  const coverage = emptyCoverage()
  for (let end = schedule.stepMinutes; end <= market.minutes; end += schedule.stepMinutes) {
    const from = Math.max(0, end - schedule.windowMinutes)
    const sums = market.series.map((series) => windowSums(series, end, schedule.windowMinutes))
    const prior = valuePrior(sums)
    sums.forEach((s, c) => {
      const channel = market.channels[c]
      if (channel === undefined) return
      const outcome = evaluateRule(rule, s, INITIAL_RULE_STATE, end * 60_000, prior)
      if (!outcome.fired && outcome.reason === 'insufficient_evidence') return
      const upper = outcome.evidence.roi_upper ?? Number.POSITIVE_INFINITY
      const above = channel.trueRoi > upper ? 1 : 0
      for (const group of [coverage[expectedGroup(expectedConversions(channel, from, end))], coverage.all]) {
        group.looks += 1
        group.above += above
      }
    })
  }
  return coverage
}
