import { valuePrior } from '@adpulse/rules'
import type { Decider } from './deciders.ts'
import { expectedConversions, type Market, windowSums } from './traffic.ts'

/** What one rule set did to one channel over the run. */
export interface ChannelOutcome {
  trueRoi: number
  /** Minutes from launch to the step of the first CUT signal; null if never cut. */
  firstCutMinute: number | null
  firstScaleMinute: number | null
  /**
   * Conversions the channel was expected to have in the window at its first
   * cut (the truth, not what was seen): how much evidence there was to judge on.
   */
  firstCutExpectedConversions: number | null
  cutSignals: number
  scaleSignals: number
}

export interface Schedule {
  /** The rolling window the rules look at. */
  windowMinutes: number
  /** Minutes between two evaluations. */
  stepMinutes: number
}

/**
 * Runs every decider over the same market, step by step: at each step every
 * channel's window sums, and the value prior the alerter passes (`valuePrior`
 * over all channels of the window). Signals are observed, not
 * applied: a cut channel keeps buying traffic, so both rule sets see the very
 * same stream to the end. All channels launch at minute 0.
 */
export function runDeciders(
  market: Market,
  deciders: readonly Decider[],
  schedule: Schedule,
): ChannelOutcome[][] {
  const outcomes = deciders.map(() =>
    market.channels.map(
      (channel): ChannelOutcome => ({
        trueRoi: channel.trueRoi,
        firstCutMinute: null,
        firstScaleMinute: null,
        firstCutExpectedConversions: null,
        cutSignals: 0,
        scaleSignals: 0,
      }),
    ),
  )
  for (let end = schedule.stepMinutes; end <= market.minutes; end += schedule.stepMinutes) {
    const from = Math.max(0, end - schedule.windowMinutes)
    const sums = market.series.map((series) => windowSums(series, end, schedule.windowMinutes))
    const prior = valuePrior(sums)
    const now = end * 60_000
    deciders.forEach((decider, d) => {
      const perChannel = outcomes[d] as ChannelOutcome[]
      sums.forEach((channelSums, c) => {
        const verdict = decider.judge(c, channelSums, now, prior)
        const outcome = perChannel[c] as ChannelOutcome
        if (verdict.cut) {
          outcome.cutSignals += 1
          if (outcome.firstCutMinute === null) {
            outcome.firstCutMinute = end
            const channel = market.channels[c]
            outcome.firstCutExpectedConversions =
              channel === undefined ? null : expectedConversions(channel, from, end)
          }
        }
        if (verdict.scale) {
          outcome.scaleSignals += 1
          outcome.firstScaleMinute ??= end
        }
      })
    })
  }
  return outcomes
}
