import { describe, expect, it } from 'vitest'
import { parseRules, type Rule } from './rule-config.ts'
import { type EntitySums, evaluateRule, INITIAL_RULE_STATE, type RuleState } from './rule-engine.ts'

const ruleOf = (rule: object): Rule => {
  const result = parseRules({ rules: [rule] })
  if (!result.ok) throw new Error(result.errors.join('\n'))
  return result.rules[0] as Rule
}
const cut = ruleOf({
  name: 'cut',
  action: 'CUT',
  when: 'roi < 0',
  exit: 'roi > 0.2',
  min_evidence: { spend_micros: 10_000_000, clicks: 50 },
  confidence: 0.9,
  cooldown: '1h',
})
const scale = ruleOf({
  name: 'scale',
  action: 'SCALE',
  budget_change_pct: 30,
  max_total_change_pct: 50,
  when: 'roi > 1',
  exit: 'roi < 0.8',
  confidence: 0.9,
  cooldown: '10m',
})

const UNIT = 1_000_000
/** n conversions of equal value (units), spend in units. */
const sums = (spend: number, n: number, value: number, clicks = 100): EntitySums => ({
  impressions: 10_000,
  clicks,
  conversions: n,
  spend_micros: BigInt(spend * UNIT),
  revenue_micros: BigInt(n * value * UNIT),
  revenue_squares: n * (value * UNIT) ** 2,
})
const HOUR = 3_600_000

describe('evaluateRule', () => {
  it('cuts a clear loser: many conversions, ROI interval wholly below 0', () => {
    // 100 conversions of 5 units against 1000 spent: ROI −0.5, interval well below 0
    const outcome = evaluateRule(cut, sums(1000, 100, 5), INITIAL_RULE_STATE, 0)
    expect(outcome).toMatchObject({ fired: true, action: 'CUT', budgetChangePct: -100 })
    expect(outcome.evidence.roi).toBe(-0.5)
    expect(outcome.evidence.roi_upper).toBeLessThan(0)
    expect(outcome.state).toEqual({ active: true, lastSignalAt: 0, totalChangePct: 100 })
  })

  it('does not cut on a negative point estimate when the interval reaches above 0', () => {
    // 2 conversions of 40 units against 100 spent: ROI −0.2, but 2 conversions say little
    const outcome = evaluateRule(cut, sums(100, 2, 40), INITIAL_RULE_STATE, 0)
    expect(outcome.evidence.roi).toBeCloseTo(-0.2, 12)
    expect(outcome.evidence.roi_upper).toBeGreaterThan(0)
    expect(outcome).toMatchObject({ fired: false, reason: 'not_met' })
  })

  it('prices an entity without conversions at the value prior', () => {
    // 0 conversions, 100 spent: at a mean value of 10 units, the always-valid 90 %
    // upper bound of revenue is 10 × 3.615 units ((e^λ − 1)/λ = 10 at λ = 3.615): ROI upper ≈ −0.64 → cut
    const none = sums(100, 0, 0)
    const prior = { meanValue: 10 * UNIT, credibility: Number.POSITIVE_INFINITY }
    const outcome = evaluateRule(cut, none, INITIAL_RULE_STATE, 0, prior)
    expect(outcome).toMatchObject({ fired: true })
    expect(outcome.evidence.roi_upper).toBeCloseTo(-0.6385, 3)
    // 30 spent: 36.15 units of revenue are still possible, ROI upper ≈ +0.2: no cut
    expect(evaluateRule(cut, sums(30, 0, 0), INITIAL_RULE_STATE, 0, prior)).toMatchObject({ fired: false })
    // without a value to assume, nothing bounds the revenue: no cut
    expect(evaluateRule(cut, none, INITIAL_RULE_STATE, 0)).toMatchObject({ fired: false, reason: 'not_met' })
  })

  it('waits for minimum evidence', () => {
    expect(evaluateRule(cut, sums(9, 100, 0.01), INITIAL_RULE_STATE, 0)).toMatchObject({
      fired: false,
      reason: 'insufficient_evidence',
    })
    expect(evaluateRule(cut, sums(1000, 100, 1, 49), INITIAL_RULE_STATE, 0)).toMatchObject({
      reason: 'insufficient_evidence',
    })
  })

  it('does not flap: no new signal in the state, leaves only past the exit threshold', () => {
    const loser = sums(1000, 100, 5)
    let state: RuleState = evaluateRule(cut, loser, INITIAL_RULE_STATE, 0).state
    // still losing, after the cooldown: the cut (a pause) is capped, nothing more to say
    let outcome = evaluateRule(cut, loser, state, 2 * HOUR)
    expect(outcome).toMatchObject({ fired: false, reason: 'capped' })
    state = outcome.state
    // ROI recovers to 0.1: above the cut threshold but below the exit threshold: still in the state
    outcome = evaluateRule(cut, sums(1000, 100, 11), state, 3 * HOUR)
    expect(outcome).toMatchObject({ fired: false, reason: 'not_met', state: { active: true } })
    // ROI 0.3 > exit 0.2: leaves the state; the cap resets, the last signal time stays
    outcome = evaluateRule(cut, sums(1000, 100, 13), outcome.state, 4 * HOUR)
    expect(outcome.state).toEqual({ active: false, lastSignalAt: 0, totalChangePct: 0 })
    // losing again: a new cut
    expect(evaluateRule(cut, loser, outcome.state, 5 * HOUR)).toMatchObject({
      fired: true,
      budgetChangePct: -100,
    })
  })

  it('scales in steps after each cooldown, up to its cap', () => {
    // 100 conversions of 30 units against 1000 spent: ROI 2
    const winner = sums(1000, 100, 30)
    const first = evaluateRule(scale, winner, INITIAL_RULE_STATE, 0)
    expect(first).toMatchObject({ fired: true, action: 'SCALE', budgetChangePct: 30 })
    expect(evaluateRule(scale, winner, first.state, 5 * 60_000)).toMatchObject({
      fired: false,
      reason: 'cooldown',
    })
    const second = evaluateRule(scale, winner, first.state, 10 * 60_000)
    expect(second).toMatchObject({ fired: true, budgetChangePct: 20 }) // 30 + 20 = the cap of 50
    expect(evaluateRule(scale, winner, second.state, HOUR)).toMatchObject({ fired: false, reason: 'capped' })
  })

  it('judges scale on the lower bound', () => {
    // ROI 1.5 on 3 conversions: the lower bound is far below 1
    const outcome = evaluateRule(scale, sums(100, 3, 83.333333), INITIAL_RULE_STATE, 0)
    expect(outcome.evidence.roi).toBeCloseTo(1.5, 5)
    expect(outcome.evidence.roi_lower).toBeLessThan(1)
    expect(outcome).toMatchObject({ fired: false, reason: 'not_met' })
  })
})
