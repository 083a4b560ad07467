import { describe, expect, it } from 'vitest'
import { decideRoi, type RoiRule } from './roi-rule.ts'

const rule: RoiRule = {
  name: 'roi-1h',
  cutBelowRoi: -0.2,
  scaleAboveRoi: 0.5,
  minSpendMicros: 1_000_000n,
  scaleBudgetPct: 20,
}

const decide = (spend: bigint, revenue: bigint) =>
  decideRoi({ spend_micros: spend, revenue_micros: revenue }, rule)

describe('decideRoi', () => {
  it('cuts below the cut threshold', () => {
    // (5 − 10) / 10 = −0.5
    expect(decide(10_000_000n, 5_000_000n)).toEqual({ action: 'CUT', roi: -0.5, budgetChangePct: -100 })
    // no revenue at all: ROI −1
    expect(decide(10_000_000n, 0n)).toEqual({ action: 'CUT', roi: -1, budgetChangePct: -100 })
  })

  it('cuts just below the cut threshold', () => {
    // (7_999_999 − 10_000_000) / 10_000_000 = −0.2000001
    const decision = decide(10_000_000n, 7_999_999n)
    expect(decision.action).toBe('CUT')
    expect(decision.roi).toBeCloseTo(-0.2000001, 12)
  })

  it('scales above the scale threshold with the rule budget change', () => {
    // (30 − 10) / 10 = 2
    expect(decide(10_000_000n, 30_000_000n)).toEqual({ action: 'SCALE', roi: 2, budgetChangePct: 20 })
  })

  it('scales just above the scale threshold', () => {
    // (15_000_001 − 10_000_000) / 10_000_000 = 0.5000001
    const decision = decide(10_000_000n, 15_000_001n)
    expect(decision.action).toBe('SCALE')
    expect(decision.roi).toBeCloseTo(0.5000001, 12)
  })

  it('does nothing within the thresholds', () => {
    expect(decide(10_000_000n, 10_000_000n)).toEqual({ action: null, roi: 0, reason: 'within_thresholds' })
    expect(decide(10_000_000n, 12_000_000n)).toEqual({ action: null, roi: 0.2, reason: 'within_thresholds' })
    expect(decide(10_000_000n, 9_000_000n)).toEqual({ action: null, roi: -0.1, reason: 'within_thresholds' })
  })

  it('does not fire on a ROI exactly equal to a threshold', () => {
    // (8 − 10) / 10 = −0.2 exactly the cut threshold
    expect(decide(10_000_000n, 8_000_000n)).toEqual({ action: null, roi: -0.2, reason: 'within_thresholds' })
    // (15 − 10) / 10 = 0.5 exactly the scale threshold
    expect(decide(10_000_000n, 15_000_000n)).toEqual({ action: null, roi: 0.5, reason: 'within_thresholds' })
  })

  it('does nothing below the minimum spend, however bad or good the ROI', () => {
    expect(decide(999_999n, 0n)).toEqual({ action: null, roi: -1, reason: 'insufficient_spend' })
    expect(decide(999_999n, 100_000_000n)).toEqual({
      action: null,
      roi: 99_000_001 / 999_999, // (100_000_000 − 999_999) / 999_999
      reason: 'insufficient_spend',
    })
  })

  it('decides at exactly the minimum spend', () => {
    expect(decide(1_000_000n, 0n)).toEqual({ action: 'CUT', roi: -1, budgetChangePct: -100 })
    expect(decide(1_000_000n, 3_000_000n)).toEqual({ action: 'SCALE', roi: 2, budgetChangePct: 20 })
  })

  it('does nothing with zero spend, with or without revenue', () => {
    expect(decide(0n, 0n)).toEqual({ action: null, roi: null, reason: 'insufficient_spend' })
    expect(decide(0n, 50_000_000n)).toEqual({ action: null, roi: null, reason: 'insufficient_spend' })
    const noMinimum = decideRoi(
      { spend_micros: 0n, revenue_micros: 50_000_000n },
      { ...rule, minSpendMicros: 0n },
    )
    expect(noMinimum).toEqual({ action: null, roi: null, reason: 'insufficient_spend' })
  })

  it('decides on sums beyond 2^64', () => {
    // spend 2^70, revenue 2^68: ROI (2^68 − 2^70) / 2^70 = −0.75
    expect(decide(2n ** 70n, 2n ** 68n)).toEqual({ action: 'CUT', roi: -0.75, budgetChangePct: -100 })
  })
})
