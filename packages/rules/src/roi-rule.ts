import { type KpiSums, roiOf } from '@adpulse/kpi'

export interface RoiRule {
  /** Name carried in every signal it produces. */
  name: string
  /** Cut when ROI is below this. */
  cutBelowRoi: number
  /** Scale when ROI is above this. */
  scaleAboveRoi: number
  /** No decision on less spend than this in the window: too little evidence. */
  minSpendMicros: bigint
  /** Suggested budget change of a SCALE, in percent. */
  scaleBudgetPct: number
}

export type RoiDecision =
  | { action: 'CUT' | 'SCALE'; roi: number; budgetChangePct: number }
  | { action: null; roi: number | null; reason: 'insufficient_spend' | 'within_thresholds' }

/**
 * The walking skeleton's rule: ROI over a window against cut and scale
 * thresholds, with a minimum spend. Point estimate only; confidence intervals,
 * hysteresis and cooldowns are the alerter issue's.
 */
export function decideRoi(
  sums: Pick<KpiSums, 'spend_micros' | 'revenue_micros'>,
  rule: RoiRule,
): RoiDecision {
  const roi = roiOf(sums.spend_micros, sums.revenue_micros)
  if (roi === null || sums.spend_micros < rule.minSpendMicros) {
    return { action: null, roi, reason: 'insufficient_spend' }
  }
  if (roi < rule.cutBelowRoi) return { action: 'CUT', roi, budgetChangePct: -100 }
  if (roi > rule.scaleAboveRoi) return { action: 'SCALE', roi, budgetChangePct: rule.scaleBudgetPct }
  return { action: null, roi, reason: 'within_thresholds' }
}
