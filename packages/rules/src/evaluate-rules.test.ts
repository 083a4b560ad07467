import { describe, expect, it } from 'vitest'
import { entityKey, signalId, stateKey } from './entity-keys.ts'
import { type EntityWindowSums, evaluateRules, roiThreshold, type WindowSums } from './evaluate-rules.ts'
import { parseRules, type Rule } from './rule-config.ts'
import type { RuleState } from './rule-engine.ts'

const HOUR = 3_600_000
const NOW = Date.UTC(2026, 10, 22, 12, 0, 30)
const RANGE = { from: Date.UTC(2026, 10, 22, 11, 1), to: Date.UTC(2026, 10, 22, 12, 1) }
const UNIT = 1_000_000

const rulesOf = (...rules: object[]): Rule[] => {
  const result = parseRules({ rules })
  if (!result.ok) throw new Error(result.errors.join('\n'))
  return result.rules
}
const cut = { name: 'cut', action: 'CUT', when: 'roi < 0', exit: 'roi > 0.2', min_evidence: { clicks: 10 } }
const scale = { name: 'scale', action: 'SCALE', when: 'roi > 1', exit: 'roi < 0.8', budget_change_pct: 25 }

/** n conversions of `value` units against `spend` units. */
const row = (
  channel: string,
  spend: number,
  n: number,
  value: number,
  campaign?: string,
): EntityWindowSums => ({
  channel,
  ...(campaign === undefined ? {} : { campaign_id: campaign }),
  impressions: 10_000,
  clicks: 200,
  conversions: n,
  spend_micros: BigInt(spend * UNIT),
  revenue_micros: BigInt(n * value * UNIT),
  revenue_squares: n * (value * UNIT) ** 2,
})
const loser = row('display', 1000, 100, 5) // ROI −0.5, tight interval
const winner = row('search', 1000, 100, 30) // ROI 2, tight interval
const noisy = row('social', 100, 2, 40) // ROI −0.2 on 2 conversions: nothing certain
const windowOf = (
  channels: EntityWindowSums[],
  campaigns: EntityWindowSums[] = [],
): Map<number, WindowSums> => new Map([[HOUR, { range: RANGE, channels, campaigns }]])

describe('evaluateRules', () => {
  it('cuts the clear loser, scales the clear winner, leaves the noisy one alone', () => {
    const result = evaluateRules(rulesOf(cut, scale), windowOf([loser, winner, noisy]), new Map(), NOW)
    expect(result.signals.map((s) => [s.rule, s.channel, s.action, s.budget_change_pct])).toEqual([
      ['cut', 'display', 'CUT', -100],
      ['scale', 'search', 'SCALE', 25],
    ])
    expect(result.judged).toBe(6)
    expect([...result.changed.keys()].sort()).toEqual([
      stateKey('cut', 'display'),
      stateKey('scale', 'search'),
    ])
  })

  it('fills a signal with its evidence, the rule and its thresholds', () => {
    const [signal] = evaluateRules(rulesOf(cut), windowOf([loser]), new Map(), NOW).signals
    expect(signal).toMatchObject({
      signal_id: signalId('cut', 'display', 'CUT', RANGE),
      action: 'CUT',
      scope: 'channel',
      channel: 'display',
      campaign_id: null,
      rule: 'cut',
      window_from: RANGE.from,
      window_to: RANGE.to,
      spend_micros: '1000000000',
      revenue_micros: '500000000',
      conversions: 100,
      roi: -0.5,
      cut_below_roi: 0,
      min_spend_micros: '0',
      budget_change_pct: -100,
      created_at: NOW,
      condition: 'roi < 0',
      exit_condition: 'roi > 0.2',
      confidence: 0.9,
    })
    expect(signal?.roi_upper).toBeLessThan(0)
    expect(signal?.roi_lower).toBeLessThan(signal?.roi ?? 0)
    expect(Number.isNaN(signal?.scale_above_roi)).toBe(true)
  })

  it('does not repeat a signal of an entity already in the state', () => {
    const active: RuleState = { active: true, lastSignalAt: NOW - 10 * 60_000, totalChangePct: 100 }
    const result = evaluateRules(
      rulesOf(cut),
      windowOf([loser]),
      new Map([[stateKey('cut', 'display'), active]]),
      NOW,
    )
    expect(result.signals).toEqual([])
  })

  it('judges campaigns with a campaign scope, and honours filters', () => {
    const campaigns = [row('display', 1000, 100, 5, 'd1'), row('search', 1000, 100, 5, 's1')]
    const rules = rulesOf({ ...cut, scope: 'campaign', filter: { channels: ['search'] } })
    const [signal] = evaluateRules(rules, windowOf([loser], campaigns), new Map(), NOW).signals
    expect(signal).toMatchObject({ scope: 'campaign', channel: 'search', campaign_id: 's1' })
    expect(entityKey('search', 's1')).toBe('search/s1')
  })

  it('skips rules whose window was not queried', () => {
    const rules = rulesOf({ ...cut, window: '24h' })
    expect(evaluateRules(rules, windowOf([loser]), new Map(), NOW).signals).toEqual([])
  })

  it('prices an entity without conversions at the value prior of the window', () => {
    // display spent 100 units with no conversion; search converts at 10 units each (the only
    // entity with conversions: the prior's mean is 10 units): the always-valid 90 % upper
    // bound of display's revenue is 10 × 3.615 units ((e^λ − 1)/λ = 10), ROI at most −0.64
    const spender = { ...row('display', 100, 0, 0) }
    const others = row('search', 100, 50, 10)
    const result = evaluateRules(rulesOf(cut), windowOf([spender, others]), new Map(), NOW)
    expect(result.signals.map((s) => s.channel)).toEqual(['display'])
  })
})

describe('signalId', () => {
  it('is deterministic and differs by window', () => {
    expect(signalId('cut', 'display', 'CUT', RANGE)).toBe(signalId('cut', 'display', 'CUT', RANGE))
    expect(signalId('cut', 'display', 'CUT', RANGE)).toMatch(/^[0-9a-f]{32}$/)
    expect(signalId('cut', 'display', 'CUT', { from: RANGE.from + 60_000, to: RANGE.to + 60_000 })).not.toBe(
      signalId('cut', 'display', 'CUT', RANGE),
    )
  })
})

describe('roiThreshold', () => {
  it('finds the number ROI is compared with', () => {
    const [a, b, c] = rulesOf(
      { ...cut, when: 'clicks > 5 and 2 * roi < -0.5' },
      { ...scale, when: 'roi > 1.5', filter: { channels: ['y'] } },
      { ...cut, name: 'c2', when: 'cpa_micros > 100', filter: { channels: ['x'] } },
    )
    expect(roiThreshold(a?.when ?? { kind: 'and', terms: [] })).toBe(-0.25)
    expect(roiThreshold(b?.when ?? { kind: 'and', terms: [] })).toBe(1.5)
    expect(roiThreshold(c?.when ?? { kind: 'and', terms: [] })).toBeNaN()
  })
})
