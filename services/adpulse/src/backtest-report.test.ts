import type { Signal } from '@adpulse/events'
import { describe, expect, it } from 'vitest'
import type { BacktestResult, BacktestSignal } from './backtest.ts'
import { formatJsonLines, formatRoi, formatTable } from './backtest-report.ts'

const FROM = Date.UTC(2026, 2, 1)
const TO = FROM + 6 * 3_600_000

const signal = (over: Partial<Signal>): Signal => ({
  signal_id: 'id',
  action: 'CUT',
  scope: 'channel',
  channel: 'display',
  campaign_id: null,
  rule: 'cut-unprofitable',
  window_from: FROM,
  window_to: FROM + 3_600_000,
  spend_micros: '1200000000',
  revenue_micros: '1050000000',
  conversions: 270,
  roi: -0.125,
  roi_lower: -0.2,
  roi_upper: -0.0375,
  cut_below_roi: 0,
  scale_above_roi: Number.NaN,
  min_spend_micros: '100000000',
  budget_change_pct: -100,
  created_at: FROM + 3_600_000,
  condition: 'roi < 0',
  exit_condition: 'roi > 0.2',
  confidence: 0.9,
  ad_id: null,
  ...over,
})

const cut: BacktestSignal = {
  signal: signal({}),
  entity: 'display',
  spendAfterMicros: 3_300_000_000n,
  savedMicros: 3_300_000_000n,
  addedMicros: 0n,
}
const scale: BacktestSignal = {
  signal: signal({
    action: 'SCALE',
    scope: 'campaign',
    channel: 'search',
    campaign_id: 's1',
    rule: 'scale-profitable',
    roi: 3,
    roi_lower: 2.5,
    roi_upper: null,
    budget_change_pct: 33,
    created_at: FROM + 4_500_000,
  }),
  entity: 'search/s1',
  spendAfterMicros: 3_600_002_520n,
  savedMicros: 0n,
  addedMicros: 1_188_000_831n,
}
const result: BacktestResult = {
  from: FROM,
  to: TO,
  stepMs: 900_000,
  steps: 24,
  signals: [cut, scale],
  totals: { cut: 1, scale: 1, savedMicros: 3_300_000_000n, addedMicros: 1_188_000_831n },
}

describe('backtest report', () => {
  it('formats ROI with its interval', () => {
    expect(formatRoi(-0.125, -0.2, -0.0375)).toBe('-0.125 [-0.200, -0.037]')
    expect(formatRoi(3, 2.5, null)).toBe('3.000 [2.500, inf]')
    expect(formatRoi(null, null, null)).toBe('-')
  })

  it('prints an aligned table, money in units with six decimals, and the totals', () => {
    expect(formatTable(result)).toBe(
      [
        'time                  rule              action  entity     roi [interval]           change        saved        added',
        '2026-03-01T01:00:00Z  cut-unprofitable  CUT     display    -0.125 [-0.200, -0.037]   -100%  3300.000000',
        '2026-03-01T01:15:00Z  scale-profitable  SCALE   search/s1  3.000 [2.500, inf]         +33%               1188.000831',
        '',
        '2 signals (1 CUT, 1 SCALE) in 24 steps of 15m from 2026-03-01T00:00:00Z to 2026-03-01T06:00:00Z',
        'spend saved 3300.000000, spend added 1188.000831 (each change applied to the actual spend from its signal to --to, not compounded)',
        '',
      ].join('\n'),
    )
    expect(
      formatTable({ ...result, signals: [], totals: { cut: 0, scale: 0, savedMicros: 0n, addedMicros: 0n } }),
    ).toBe(
      'no signal would have fired in 24 steps of 15m from 2026-03-01T00:00:00Z to 2026-03-01T06:00:00Z\n' +
        'spend saved 0.000000, spend added 0.000000 (each change applied to the actual spend from its signal to --to, not compounded)\n',
    )
  })

  it('prints JSON lines with money as strings of micros, then the totals', () => {
    const lines = formatJsonLines(result)
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toHaveLength(3)
    expect(lines[1]).toEqual({
      type: 'signal',
      time: '2026-03-01T01:15:00Z',
      signal_id: 'id',
      rule: 'scale-profitable',
      action: 'SCALE',
      scope: 'campaign',
      channel: 'search',
      campaign_id: 's1',
      entity: 'search/s1',
      window_from: '2026-03-01T00:00:00Z',
      window_to: '2026-03-01T01:00:00Z',
      spend_micros: '1200000000',
      revenue_micros: '1050000000',
      conversions: 270,
      roi: 3,
      roi_lower: 2.5,
      roi_upper: null,
      budget_change_pct: 33,
      spend_after_micros: '3600002520',
      saved_micros: '0',
      added_micros: '1188000831',
    })
    expect(lines[2]).toEqual({
      type: 'totals',
      from: '2026-03-01T00:00:00Z',
      to: '2026-03-01T06:00:00Z',
      step_ms: 900_000,
      steps: 24,
      signals: 2,
      cut: 1,
      scale: 1,
      saved_micros: '3300000000',
      added_micros: '1188000831',
    })
  })
})
