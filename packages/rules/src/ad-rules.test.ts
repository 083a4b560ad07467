import { describe, expect, it } from 'vitest'
import { adLifts } from './ad-lift.ts'
import { entityKey, stateKey } from './entity-keys.ts'
import { type EntityWindowSums, evaluateRules, type WindowSums } from './evaluate-rules.ts'
import { parseRules, type Rule } from './rule-config.ts'
import type { RuleState } from './rule-engine.ts'
import { sumsNeeded } from './window-sums.ts'

const HOUR = 3_600_000
const MINUTE = 60_000
const T0 = Date.UTC(2026, 10, 22, 12, 0, 30)
const RANGE = { from: Date.UTC(2026, 10, 22, 11, 1), to: Date.UTC(2026, 10, 22, 12, 1) }

const rulesOf = (...rules: object[]): Rule[] => {
  const result = parseRules({ rules })
  if (!result.ok) throw new Error(result.errors.join('\n'))
  return result.rules
}
const errorsOf = (...rules: object[]): string[] => {
  const result = parseRules({ rules })
  return result.ok ? [] : result.errors
}

const pause = {
  name: 'pause-weak-ads',
  scope: 'ad',
  action: 'PAUSE_AD',
  when: 'cvr_lift < 0',
  exit: 'cvr_lift > -0.1',
  min_evidence: { clicks: 50 },
  confidence: 0.95,
  cooldown: '1h',
}
const promote = {
  name: 'promote-winners',
  scope: 'ad',
  action: 'PROMOTE_AD',
  when: 'cvr_lift > 0',
  exit: 'cvr_lift < 0.05',
  confidence: 0.95,
}

/** An ad of campaign c1 on search: `conversions` of 100 clicks of 5,000 impressions, 1 unit spent a click. */
const ad = (ad_id: string, conversions: number, clicks = 100, campaign = 'c1'): EntityWindowSums => ({
  channel: 'search',
  campaign_id: campaign,
  ad_id,
  impressions: 5_000,
  clicks,
  conversions,
  spend_micros: BigInt(clicks * 1_000_000),
  revenue_micros: BigInt(conversions * 30_000_000),
  revenue_squares: conversions * 30_000_000 ** 2,
})
const windowOf = (ads: EntityWindowSums[]): Map<number, WindowSums> =>
  new Map([[HOUR, { range: RANGE, channels: [], campaigns: [], ads }]])

describe('rules of scope ad: parsing', () => {
  it('takes PAUSE_AD and PROMOTE_AD, with no budget change and one signal per entry', () => {
    const [p, q] = rulesOf(pause, promote)
    expect(p).toMatchObject({ scope: 'ad', action: 'PAUSE_AD', budgetChangePct: 0, maxTotalChangePct: 100 })
    expect(q).toMatchObject({ scope: 'ad', action: 'PROMOTE_AD', confidence: 0.95 })
    expect(sumsNeeded([p as Rule]).groupings).toEqual(['channel', 'ad'])
  })

  it('refuses an ad action on another scope, and a budget action on ads, naming rule and field', () => {
    expect(errorsOf({ ...pause, scope: 'campaign', when: 'roi < 0', exit: 'roi > 0' })).toEqual([
      `rule "pause-weak-ads": scope: PAUSE_AD judges an ad against its campaign's other ads: expected ad, got "campaign"`,
    ])
    expect(errorsOf({ ...pause, action: 'CUT' })).toEqual([
      'rule "pause-weak-ads": action: a rule of scope ad takes PAUSE_AD or PROMOTE_AD, got CUT',
    ])
    expect(errorsOf({ ...promote, budget_change_pct: 20 })).toEqual([
      'rule "promote-winners": budget_change_pct: an ad rule changes no budget: PAUSE_AD and PROMOTE_AD act on the ad',
    ])
  })

  it('knows the lifts on ad rules only, and wants one in an ad rule’s when', () => {
    expect(
      errorsOf({ name: 'c', scope: 'campaign', action: 'CUT', when: 'ctr_lift < 0', exit: 'roi > 0' }),
    ).toEqual([expect.stringMatching(/^rule "c": when: unknown name "ctr_lift"; known: /)])
    expect(errorsOf({ ...pause, when: 'cvr < 0.01' })).toEqual([
      `rule "pause-weak-ads": when: a rule of scope ad compares the ad with its campaign's others: name ctr_lift, cvr_lift, revenue_per_impression_lift`,
    ])
    expect(errorsOf({ ...pause, params: { ctr_lift: 1 } })).toEqual([
      'rule "pause-weak-ads": params.ctr_lift: expected a lowercase name that is not a KPI name',
    ])
  })

  it('takes min_lift on an ad rule only, from 0.01 to 10', () => {
    expect(rulesOf({ ...pause, min_lift: 0.1 })[0]?.minLift).toBe(0.1)
    expect(rulesOf(pause)[0]?.minLift).toBeUndefined()
    expect(errorsOf({ ...pause, min_lift: 0 })).toEqual([
      'rule "pause-weak-ads": min_lift: expected a relative lift from 0.01 to 10 (0.1: 10 %), got 0',
    ])
    expect(errorsOf({ name: 'c', action: 'CUT', when: 'roi < 0', exit: 'roi > 0', min_lift: 0.1 })).toEqual([
      'rule "c": min_lift: tunes the test of ads against each other: only a rule of scope ad takes it',
    ])
  })

  it('refuses a PAUSE_AD and a PROMOTE_AD rule that could both hold on one ad', () => {
    expect(errorsOf(pause, { ...promote, when: 'cvr_lift > -0.5' })).toEqual([
      expect.stringContaining(
        'rules "pause-weak-ads" (PAUSE_AD) and "promote-winners" (PROMOTE_AD) could order both',
      ),
    ])
    expect(errorsOf(pause, promote)).toEqual([])
  })
})

describe('adLifts: the hand-worked example of docs/experiments.md', () => {
  // CVR at 95 % over two ads (one pair at α = 0.05): A 20 of 100 clicks, B 0 of 100. The test of two ads
  // (liftSequence; worked in docs/experiments.md, The lift of one ad over another) puts B's ratio to A below
  // 0.341059 / 0.658941 = 0.517585: B's lift at most −0.482415, A's at least 1 / 0.517585 − 1 = 0.932048.
  // (Before, from the separate intervals [0.087593, 0.358535] and [0, 0.079686]: −0.0903 and 0.0992.)
  const lifts = adLifts([ad('A', 20), ad('B', 0)], 0.95)
  const a = lifts.get(entityKey('search', 'c1', 'A'))
  const b = lifts.get(entityKey('search', 'c1', 'B'))

  it("bounds B's lift over A by the test of two ads: [−1, −0.482415]", () => {
    expect(b?.interval('cvr_lift')?.lower).toBe(-1)
    expect(b?.interval('cvr_lift')?.upper).toBeCloseTo(-0.482415, 5)
    expect(b?.point('cvr_lift')).toEqual({ lower: -1, upper: -1 })
  })

  it("bounds A's lift below by 0.932048, unbounded above (B has no success)", () => {
    expect(a?.interval('cvr_lift')?.lower).toBeCloseTo(0.932048, 5)
    expect(a?.interval('cvr_lift')?.upper).toBe(Number.POSITIVE_INFINITY)
    // Against an estimate of 0 there is no point lift.
    expect(a?.point('cvr_lift')).toBeNull()
    expect(a?.interval('roi')).toBeNull()
  })

  it('tunes the test to min_lift: 720 against 600 clicks is a lift above 0 by default, not when tuned for 5 %', () => {
    const clicks = (ad_id: string, n: number) => ({ ...ad(ad_id, 0, n), impressions: 30_000 })
    const rows = [clicks('A', 720), clicks('B', 600)]
    const lower = (minLift?: number) =>
      adLifts(rows, 0.95, minLift)
        .get(entityKey('search', 'c1', 'A'))
        ?.interval('ctr_lift')?.lower as number
    expect(lower()).toBeGreaterThan(0)
    expect(lower(0.2)).toBeGreaterThan(0)
    expect(lower(0.05)).toBeLessThan(0)
  })

  it('has no lift for an ad alone in its campaign, nor for buckets without an ad', () => {
    const alone = adLifts([ad('solo', 20, 100, 'c2'), ad('', 0, 100, 'c2')], 0.95)
    expect(alone.get(entityKey('search', 'c2', 'solo'))?.interval('cvr_lift')).toBeNull()
    expect(alone.has(entityKey('search', 'c2', ''))).toBe(false)
  })
})

describe('rules of scope ad: evaluation', () => {
  const rules = rulesOf(pause, promote)
  const clear = windowOf([ad('A', 20), ad('B', 0)])
  const step = (window: Map<number, WindowSums>, states: Map<string, RuleState>, at: number) => {
    const result = evaluateRules(rules, window, states, at)
    for (const [key, state] of result.changed) states.set(key, state)
    return result.signals.map((s) => [s.action, s.ad_id])
  }

  it('pauses the clearly worse ad and promotes the winner, once each, with the ad in the signal', () => {
    const result = evaluateRules(rules, clear, new Map(), T0)
    expect(result.judged).toBe(4)
    expect(result.signals.map((s) => [s.rule, s.action, s.scope, s.campaign_id, s.ad_id])).toEqual([
      ['pause-weak-ads', 'PAUSE_AD', 'ad', 'c1', 'B'],
      ['promote-winners', 'PROMOTE_AD', 'ad', 'c1', 'A'],
    ])
    expect(result.signals[0]).toMatchObject({
      budget_change_pct: 0,
      condition: 'cvr_lift < 0',
      exit_condition: 'cvr_lift > -0.1',
      confidence: 0.95,
      spend_micros: '100000000',
      conversions: 0,
    })
    expect([...result.changed.keys()].sort()).toEqual([
      stateKey('pause-weak-ads', 'search/c1/B'),
      stateKey('promote-winners', 'search/c1/A'),
    ])
  })

  it('does not repeat within the cooldown nor after it while the ad stays worse; leaves by hysteresis; pauses again', () => {
    const states = new Map<string, RuleState>()
    const pauses = (window: Map<number, WindowSums>, at: number) =>
      step(window, states, at).filter(([action]) => action === 'PAUSE_AD')
    expect(pauses(clear, T0)).toEqual([['PAUSE_AD', 'B']])
    expect(pauses(clear, T0 + 10 * MINUTE)).toEqual([]) // cooldown
    expect(pauses(clear, T0 + 2 * HOUR)).toEqual([]) // paused already: once per entry
    // B recovers to 19 of 100: a point lift of 19/20 − 1 = −0.05 > −0.1 leaves the state; intervals overlap.
    expect(pauses(windowOf([ad('A', 20), ad('B', 19)]), T0 + 3 * HOUR)).toEqual([])
    expect(states.get(stateKey('pause-weak-ads', 'search/c1/B'))).toEqual({
      active: false,
      lastSignalAt: T0,
      totalChangePct: 0,
    })
    expect(pauses(clear, T0 + 4 * HOUR)).toEqual([['PAUSE_AD', 'B']])
  })

  it('stays in the state while the lift is between the thresholds (−0.1 is not above −0.1)', () => {
    const states = new Map<string, RuleState>()
    step(clear, states, T0)
    // 18 of 100: point lift 18/20 − 1 = −0.1, not > −0.1: still paused, and no second signal.
    step(windowOf([ad('A', 20), ad('B', 18)]), states, T0 + 2 * HOUR)
    expect(states.get(stateKey('pause-weak-ads', 'search/c1/B'))?.active).toBe(true)
  })

  it('signals nothing in an A/A campaign, for a lone ad, or below the minimum evidence', () => {
    const aa = windowOf([ad('x', 10, 200), ad('y', 11, 200), ad('z', 9, 200)])
    expect(evaluateRules(rules, aa, new Map(), T0).signals).toEqual([])
    expect(evaluateRules(rules, windowOf([ad('solo', 20)]), new Map(), T0).signals).toEqual([])
    // B's 0 of 40 clicks is below min_evidence.clicks 50: nothing paused (A is still promoted).
    const thin = evaluateRules(rules, windowOf([ad('A', 20), ad('B', 0, 40)]), new Map(), T0)
    expect(thin.signals.map((s) => s.action)).not.toContain('PAUSE_AD')
  })
})
