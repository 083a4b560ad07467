import type { KpiSumsRow } from '@adpulse/clickhouse'
import type { SignalAction } from '@adpulse/events'
import type { TimeRange } from '@adpulse/kpi'
import type { RoiRule } from '@adpulse/rules'
import { describe, expect, it } from 'vitest'
import { entityKey, evaluateChannels, signalId } from './evaluate.ts'

const NOW = Date.UTC(2026, 10, 22, 12, 0, 30)
const RANGE: TimeRange = { from: Date.UTC(2026, 10, 22, 11, 1), to: Date.UTC(2026, 10, 22, 12, 1) }

const rule: RoiRule = {
  name: 'roi-1h',
  cutBelowRoi: -0.2,
  scaleAboveRoi: 0.5,
  minSpendMicros: 1_000_000n,
  scaleBudgetPct: 20,
}

const row = (channel: string, spend: bigint, revenue: bigint, conversions = 3): KpiSumsRow => ({
  channel,
  impressions: 10_000,
  clicks: 200,
  conversions,
  spend_micros: spend,
  revenue_micros: revenue,
})

const losing = row('social', 10_000_000n, 2_500_000n, 4) // ROI −0.75 → CUT
const earning = row('search', 10_000_000n, 30_000_000n, 9) // ROI 2 → SCALE
const steady = row('email', 10_000_000n, 11_000_000n) // ROI 0.1 → nothing
const tiny = row('display', 999_999n, 0n) // below min spend → nothing
const none = row('crm', 0n, 5_000_000n) // no spend → nothing

const state = (entries: [string, SignalAction][] = []) => new Map<string, SignalAction>(entries)

describe('entityKey', () => {
  it('is the channel, or channel/campaign_id', () => {
    expect(entityKey('search', null)).toBe('search')
    expect(entityKey('search', 'camp-1')).toBe('search/camp-1')
  })
})

describe('evaluateChannels', () => {
  it('signals CUT and SCALE for channels with a decision, nothing for the others', () => {
    const signals = evaluateChannels([losing, earning, steady, tiny, none], rule, RANGE, state(), NOW)
    expect(signals.map((s) => [s.channel, s.action])).toEqual([
      ['social', 'CUT'],
      ['search', 'SCALE'],
    ])
  })

  it('fills every field of a CUT signal', () => {
    const [cut] = evaluateChannels([losing], rule, RANGE, state(), NOW)
    expect(cut).toEqual({
      signal_id: signalId('roi-1h', 'social', 'CUT', RANGE),
      action: 'CUT',
      scope: 'channel',
      channel: 'social',
      campaign_id: null,
      rule: 'roi-1h',
      window_from: Date.UTC(2026, 10, 22, 11, 1),
      window_to: Date.UTC(2026, 10, 22, 12, 1),
      spend_micros: '10000000',
      revenue_micros: '2500000',
      conversions: 4,
      roi: -0.75,
      roi_lower: null,
      roi_upper: null,
      cut_below_roi: -0.2,
      scale_above_roi: 0.5,
      min_spend_micros: '1000000',
      budget_change_pct: -100,
      created_at: NOW,
    })
    expect(cut?.signal_id).toMatch(/^[0-9a-f]{32}$/)
  })

  it('fills the budget change of a SCALE signal from the rule', () => {
    const [scale] = evaluateChannels([earning], rule, RANGE, state(), NOW)
    expect(scale?.action).toBe('SCALE')
    expect(scale?.budget_change_pct).toBe(20)
    expect(scale?.roi).toBe(2)
    expect(scale?.conversions).toBe(9)
    expect(scale?.spend_micros).toBe('10000000')
    expect(scale?.revenue_micros).toBe('30000000')
  })

  it('gives money beyond 2^64 as exact strings', () => {
    const big = row('social', 36_893_488_147_419_103_228n, 9_223_372_036_854_775_807n)
    const [cut] = evaluateChannels([big], rule, RANGE, state(), NOW)
    expect(cut?.spend_micros).toBe('36893488147419103228')
    expect(cut?.revenue_micros).toBe('9223372036854775807')
    expect(cut?.roi).toBe(-0.75)
  })

  it('signals only entities whose action changed since the last one', () => {
    const signals = evaluateChannels(
      [losing, earning, steady],
      rule,
      RANGE,
      state([
        ['social', 'CUT'], // unchanged: no signal
        ['search', 'CUT'], // CUT → SCALE: signal
        ['email', 'SCALE'], // now within thresholds: no signal
      ]),
      NOW,
    )
    expect(signals.map((s) => [s.channel, s.action])).toEqual([['search', 'SCALE']])
  })

  it('does not signal a channel whose last action was the same', () => {
    expect(evaluateChannels([earning], rule, RANGE, state([['search', 'SCALE']]), NOW)).toEqual([])
  })

  it('matches the state by channel key, not by a campaign key of the channel', () => {
    const signals = evaluateChannels([losing], rule, RANGE, state([['social/camp-1', 'CUT']]), NOW)
    expect(signals.map((s) => s.channel)).toEqual(['social'])
  })

  it('does not modify the state', () => {
    const before = state([['search', 'CUT']])
    evaluateChannels([losing, earning], rule, RANGE, before, NOW)
    expect([...before]).toEqual([['search', 'CUT']])
  })

  it('returns nothing for no rows', () => {
    expect(evaluateChannels([], rule, RANGE, state(), NOW)).toEqual([])
  })
})

describe('signal ids', () => {
  it('are the same for the same decision on the same window, whenever evaluated', () => {
    const first = evaluateChannels([losing], rule, RANGE, state(), NOW)
    const again = evaluateChannels(
      [{ ...losing, revenue_micros: 1_000_000n }],
      rule,
      RANGE,
      state(),
      NOW + 60_000,
    )
    expect(first[0]?.signal_id).toBe(again[0]?.signal_id)
    expect(signalId('roi-1h', 'social', 'CUT', { ...RANGE })).toBe(signalId('roi-1h', 'social', 'CUT', RANGE))
  })

  it('differ by window, entity, action and rule', () => {
    const id = signalId('roi-1h', 'social', 'CUT', RANGE)
    const ids = [
      id,
      signalId('roi-1h', 'social', 'CUT', { from: RANGE.from + 60_000, to: RANGE.to + 60_000 }),
      signalId('roi-1h', 'social', 'CUT', { from: RANGE.from, to: RANGE.to + 60_000 }),
      signalId('roi-1h', 'search', 'CUT', RANGE),
      signalId('roi-1h', 'social/camp-1', 'CUT', RANGE),
      signalId('roi-1h', 'social', 'SCALE', RANGE),
      signalId('roi-24h', 'social', 'CUT', RANGE),
    ]
    expect(new Set(ids).size).toBe(ids.length)
    const moved = evaluateChannels(
      [losing],
      rule,
      { from: RANGE.from + 60_000, to: RANGE.to + 60_000 },
      state(),
      NOW,
    )
    expect(moved[0]?.signal_id).not.toBe(id)
  })

  it('are a fixed hash of the decision', () => {
    // sha256("roi-1h\0social\0CUT\01795345260000\01795348860000"), first 32 hex digits
    expect(signalId('roi-1h', 'social', 'CUT', RANGE)).toBe('7333bd4ac1b93ae412b15e30cc4c569e')
  })
})
