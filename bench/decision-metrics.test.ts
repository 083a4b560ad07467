import { defaultRulesDocument, type EntitySums, parseRules, type ValuePrior } from '@adpulse/rules'
import { describe, expect, it } from 'vitest'
import { naiveDecider, rulesDecider } from './deciders.ts'
import { decisionMetrics, pairedCutHours } from './decision-metrics.ts'
import { type ChannelOutcome, runDeciders } from './decision-run.ts'
import { makeChannel, UNIT_MICROS } from './market.ts'
import type { ChannelSeries, Market } from './traffic.ts'

const outcome = (trueRoi: number, cut: number | null, scale: number | null = null): ChannelOutcome => ({
  trueRoi,
  firstCutMinute: cut,
  firstScaleMinute: scale,
  firstCutExpectedConversions: cut === null ? null : cut / 60,
  cutSignals: cut === null ? 0 : 1,
  scaleSignals: scale === null ? 0 : 1,
})

describe('decisionMetrics', () => {
  // profitable: 0.05 (cut), 0.2 (cut, scaled), 0.5, 2 (scaled); grey zone: −0.05 (cut);
  // losing: −0.3 (never cut), −0.5 (cut at 2 h), −0.8 (at 1 h), −0.4 (at 4 h)
  const outcomes = [
    outcome(0.05, 60),
    outcome(0.2, 30, 45),
    outcome(0.5, null),
    outcome(2, null, 120),
    outcome(-0.05, 15),
    outcome(-0.3, null),
    outcome(-0.5, 120),
    outcome(-0.8, 60),
    outcome(-0.4, 240),
  ]

  it('counts false cuts among channels with true ROI above 0, misses among those below −0.1', () => {
    const m = decisionMetrics(outcomes)
    expect(m).toMatchObject({ channels: 9, channelsCut: 6, profitable: 4, falseCuts: 2, falseCutRate: 0.5 })
    expect(m).toMatchObject({ falseCutRateNear: 1, falseCutRateMid: 1, falseCutRateClear: 0 })
    expect(m).toMatchObject({ losing: 4, losingCut: 3, missedCutRate: 0.25 })
  })

  it('times cuts of the losing channels cut, in hours, nearest rank', () => {
    const m = decisionMetrics(outcomes)
    expect(m.cutHoursMedian).toBe(2)
    expect(m.cutHoursP90).toBe(4)
    expect(m.cutExpectedConversions).toBe(2) // the helper expects one conversion an hour
    expect(m.falseCutExpectedConversions).toBe(0.5)
  })

  it('counts scales the same way against the scale threshold', () => {
    const m = decisionMetrics(outcomes)
    expect(m).toMatchObject({ channelsScaled: 2, notScalable: 8, falseScales: 1, falseScaleRate: 0.125 })
    expect(m).toMatchObject({ winning: 1, winningScaled: 1, missedScaleRate: 0, scaleHoursMedian: 2 })
  })

  it('is NaN where there is nothing to measure', () => {
    const m = decisionMetrics([outcome(0.5, null)])
    expect(m.missedCutRate).toBeNaN()
    expect(m.cutHoursMedian).toBeNaN()
  })

  it('compares times over the losing channels both rule sets cut', () => {
    const other = [outcome(-0.5, 15), outcome(-0.8, null), outcome(-0.4, 30), outcome(0.5, 15)]
    const mine = [outcome(-0.5, 120), outcome(-0.8, 60), outcome(-0.4, 240), outcome(0.5, null)]
    expect(pairedCutHours(mine, other)).toEqual({ channels: 2, aMedian: 2, bMedian: 0.25 })
  })
})

/** Prefix sums of per-minute rows: [impressions, clicks, conversions, spend units, revenue units]. */
function seriesOf(minutes: ReadonlyArray<readonly [number, number, number, number, number]>): ChannelSeries {
  const series: ChannelSeries = {
    impressions: new Float64Array(minutes.length + 1),
    clicks: new Float64Array(minutes.length + 1),
    conversions: new Float64Array(minutes.length + 1),
    spendMicros: new Float64Array(minutes.length + 1),
    revenueMicros: new Float64Array(minutes.length + 1),
    revenueSquares: new Float64Array(minutes.length + 1),
  }
  minutes.forEach(([i, c, n, spend, revenue], m) => {
    const at = (a: Float64Array, add: number) => {
      a[m + 1] = (a[m] ?? 0) + add
    }
    at(series.impressions, i)
    at(series.clicks, c)
    at(series.conversions, n)
    at(series.spendMicros, spend * UNIT_MICROS)
    at(series.revenueMicros, revenue * UNIT_MICROS)
    at(series.revenueSquares, n === 0 ? 0 : n * (revenue / n) ** 2 * UNIT_MICROS ** 2)
  })
  return series
}

const channelOf = (trueRoi: number) =>
  makeChannel({
    id: `roi-${trueRoi}`,
    trueRoi,
    pricing: 'cpc',
    impressionsPerMinute: 100,
    ctr: 0.1,
    cvr: 0.1,
    rateMicros: UNIT_MICROS,
    clickCostSigma: 0,
    valueSigma: 1,
    peakHour: 0,
    diurnalAmplitude: 0,
  })

describe('runDeciders', () => {
  // 60 minutes, 10 clicks a minute at 1 unit; channel 0 sells once (10 units) in
  // minute 5, channel 1 once (30 units) in minute 40
  const minute = (sale: number): [number, number, number, number, number] => [
    100,
    10,
    sale > 0 ? 1 : 0,
    10,
    sale,
  ]
  const market: Market = {
    channels: [channelOf(-0.9), channelOf(0.5)],
    series: [
      seriesOf(Array.from({ length: 60 }, (_, m) => minute(m === 5 ? 10 : 0))),
      seriesOf(Array.from({ length: 60 }, (_, m) => minute(m === 40 ? 30 : 0))),
    ],
    minutes: 60,
  }

  it('judges every channel at every step on its window, with the value prior of all channels', () => {
    const calls: Array<[number, number, number, number | undefined]> = []
    const recorder = {
      name: 'recorder',
      judge(channel: number, sums: EntitySums, now: number, prior: ValuePrior | undefined) {
        // One channel with a conversion per window: its value is the mean, nothing to pool (credibility 0).
        if (prior !== undefined) expect(prior.credibility).toBe(0)
        calls.push([channel, sums.clicks, now / 60_000, prior?.meanValue])
        return { cut: channel === 0 && now >= 30 * 60_000, scale: false }
      },
    }
    const [outcomes] = runDeciders(market, [recorder], { windowMinutes: 30, stepMinutes: 15 })
    expect(calls).toEqual([
      [0, 150, 15, 10 * UNIT_MICROS],
      [1, 150, 15, 10 * UNIT_MICROS],
      [0, 300, 30, 10 * UNIT_MICROS],
      [1, 300, 30, 10 * UNIT_MICROS],
      [0, 300, 45, 30 * UNIT_MICROS],
      [1, 300, 45, 30 * UNIT_MICROS],
      [0, 300, 60, 30 * UNIT_MICROS],
      [1, 300, 60, 30 * UNIT_MICROS],
    ])
    expect(outcomes?.[0]).toMatchObject({
      firstCutMinute: 30,
      firstCutExpectedConversions: 30, // one a minute over the 30-minute window
      cutSignals: 3,
      firstScaleMinute: null,
    })
    expect(outcomes?.[1]).toMatchObject({ trueRoi: 0.5, firstCutMinute: null, cutSignals: 0 })
  })

  it('lets the naive rule cut on its point estimate, where the default rules wait for evidence', () => {
    // 15 minutes at 10 units and 10 clicks a minute: channel 0 sells once for 10
    // units, channel 1 once for 100 (point ROI −0.33, but one sale says little)
    const quarter = (sale: number) =>
      seriesOf(Array.from({ length: 15 }, (_, m) => minute(m === 5 ? sale : 0)))
    const oneSale: Market = {
      channels: [channelOf(-0.9), channelOf(0.5)],
      series: [quarter(10), quarter(100)],
      minutes: 15,
    }
    const parsed = parseRules(defaultRulesDocument(60 * 60_000, 10n * BigInt(UNIT_MICROS)))
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'))
    const naive = naiveDecider(
      'naive',
      { minSpendMicros: 10n * BigInt(UNIT_MICROS), minClicks: 50, cutBelowRoi: 0, scaleAboveRoi: 1 },
      2,
    )
    const [adpulse, point] = runDeciders(oneSale, [rulesDecider('adpulse', parsed.rules, 2), naive], {
      windowMinutes: 60,
      stepMinutes: 15,
    })
    // 150 units spent for 10: the always-valid 80 % upper bound of revenue (4.79 sales × 10:
    // (e^λ − 1 − λ)/λ² = 5 at λ = 4.79) is below the spend
    expect(adpulse?.[0]?.firstCutMinute).toBe(15)
    expect(point?.[0]?.firstCutMinute).toBe(15)
    // 150 units spent for 100: revenue could be 479: no cut
    expect(point?.[1]?.firstCutMinute).toBe(15)
    expect(adpulse?.[1]?.firstCutMinute).toBeNull()
  })
})
