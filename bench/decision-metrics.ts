import type { ChannelOutcome } from './decision-run.ts'
import { quantile } from './stats.ts'

/** Which channels count as truly profitable, losing, worth scaling. */
export interface TruthBands {
  /** A CUT of a channel whose true ROI is above this is a false cut (the cut threshold: 0). */
  profitableAbove: number
  /** A channel whose true ROI is below this should be cut by the end; between the two, either is fine. */
  losingBelow: number
  /** A SCALE of a channel whose true ROI is below this is a false scale (the scale threshold: 1). */
  scalableAbove: number
  /** A channel whose true ROI is above this should be scaled by the end. */
  winningAbove: number
}

export const DEFAULT_TRUTH: TruthBands = {
  profitableAbove: 0,
  losingBelow: -0.1,
  scalableAbove: 1,
  winningAbove: 1.1,
}

export interface DecisionMetrics {
  channels: number
  /** Channels cut at least once, whatever their true ROI. */
  channelsCut: number
  profitable: number
  falseCuts: number
  /** Share of truly profitable channels ever cut. */
  falseCutRate: number
  /** The same within bands of true ROI: (0, 0.1], (0.1, 0.3], above 0.3. */
  falseCutRateNear: number
  falseCutRateMid: number
  falseCutRateClear: number
  losing: number
  losingCut: number
  /** Share of truly losing channels never cut by the end. */
  missedCutRate: number
  /** Hours from launch to the first cut, over the truly losing channels that were cut. */
  cutHoursMedian: number
  cutHoursP90: number
  /** Median expected conversions in the window at the first cut of a losing channel: the evidence cut on. */
  cutExpectedConversions: number
  /** The same at the first cut of a profitable channel. */
  falseCutExpectedConversions: number
  /** CUT signals per channel cut (1 is no flapping). */
  cutSignalsPerCut: number
  channelsScaled: number
  notScalable: number
  falseScales: number
  falseScaleRate: number
  winning: number
  winningScaled: number
  missedScaleRate: number
  scaleHoursMedian: number
  scaleHoursP90: number
}

const rate = (part: number, whole: number): number => (whole === 0 ? Number.NaN : part / whole)
const hours = (minutes: number[]): number[] => minutes.map((m) => m / 60)
const expectedAtCut = (outcomes: readonly ChannelOutcome[]): number[] =>
  outcomes.flatMap((o) => (o.firstCutExpectedConversions === null ? [] : [o.firstCutExpectedConversions]))

/** The figures of one rule set on one run. Quantiles are nearest-rank; NaN where there is nothing to measure. */
export function decisionMetrics(
  outcomes: readonly ChannelOutcome[],
  truth: TruthBands = DEFAULT_TRUTH,
): DecisionMetrics {
  const cut = outcomes.filter((o) => o.firstCutMinute !== null)
  const scaled = outcomes.filter((o) => o.firstScaleMinute !== null)
  const profitable = outcomes.filter((o) => o.trueRoi > truth.profitableAbove)
  const losing = outcomes.filter((o) => o.trueRoi < truth.losingBelow)
  const notScalable = outcomes.filter((o) => o.trueRoi < truth.scalableAbove)
  const winning = outcomes.filter((o) => o.trueRoi > truth.winningAbove)
  const losingCutMinutes = losing.flatMap((o) => (o.firstCutMinute === null ? [] : [o.firstCutMinute]))
  const winningScaleMinutes = winning.flatMap((o) =>
    o.firstScaleMinute === null ? [] : [o.firstScaleMinute],
  )
  const falseCuts = profitable.filter((o) => o.firstCutMinute !== null).length
  const falseCutRateIn = (low: number, high: number): number => {
    const band = profitable.filter((o) => o.trueRoi > low && o.trueRoi <= high)
    return rate(band.filter((o) => o.firstCutMinute !== null).length, band.length)
  }
  const falseScales = notScalable.filter((o) => o.firstScaleMinute !== null).length
  return {
    channels: outcomes.length,
    channelsCut: cut.length,
    profitable: profitable.length,
    falseCuts,
    falseCutRate: rate(falseCuts, profitable.length),
    falseCutRateNear: falseCutRateIn(truth.profitableAbove, 0.1),
    falseCutRateMid: falseCutRateIn(0.1, 0.3),
    falseCutRateClear: falseCutRateIn(0.3, Number.POSITIVE_INFINITY),
    losing: losing.length,
    losingCut: losingCutMinutes.length,
    missedCutRate: rate(losing.length - losingCutMinutes.length, losing.length),
    cutHoursMedian: quantile(hours(losingCutMinutes), 0.5),
    cutHoursP90: quantile(hours(losingCutMinutes), 0.9),
    cutExpectedConversions: quantile(expectedAtCut(losing), 0.5),
    falseCutExpectedConversions: quantile(expectedAtCut(profitable), 0.5),
    cutSignalsPerCut: rate(
      cut.reduce((sum, o) => sum + o.cutSignals, 0),
      cut.length,
    ),
    channelsScaled: scaled.length,
    notScalable: notScalable.length,
    falseScales,
    falseScaleRate: rate(falseScales, notScalable.length),
    winning: winning.length,
    winningScaled: winningScaleMinutes.length,
    missedScaleRate: rate(winning.length - winningScaleMinutes.length, winning.length),
    scaleHoursMedian: quantile(hours(winningScaleMinutes), 0.5),
    scaleHoursP90: quantile(hours(winningScaleMinutes), 0.9),
  }
}

/**
 * Median hours to the first cut of the truly losing channels that *both* rule
 * sets cut: the like-for-like speed, free of one rule set reaching its cuts
 * sooner only by cutting the easy or noisy cases. Outcomes are per channel, in
 * the same order.
 */
export function pairedCutHours(
  a: readonly ChannelOutcome[],
  b: readonly ChannelOutcome[],
  truth: TruthBands = DEFAULT_TRUTH,
): { channels: number; aMedian: number; bMedian: number } {
  const pairs = a.flatMap((x, i) => {
    const y = b[i]
    return x.trueRoi < truth.losingBelow && x.firstCutMinute !== null && y?.firstCutMinute != null
      ? [[x.firstCutMinute / 60, y.firstCutMinute / 60] as const]
      : []
  })
  return {
    channels: pairs.length,
    aMedian: quantile(
      pairs.map((p) => p[0]),
      0.5,
    ),
    bMedian: quantile(
      pairs.map((p) => p[1]),
      0.5,
    ),
  }
}
