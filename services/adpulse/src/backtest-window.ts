import type { TimeRange } from '@adpulse/kpi'

/** How often the backtest clock evaluates the rules unless `--step` says otherwise. */
export const DEFAULT_STEP_MS = 15 * 60_000

/**
 * The window a rule judges at evaluation time `t` (a minute boundary):
 * `[t − window, t)`, exactly the minutes that had ended by `t`.
 *
 * Not `rollingRange(window, t)`: that ends at the end of the minute *containing*
 * its instant, so at `t = 10:00:00` it would count the minute 10:00–10:01, which
 * had not happened yet at 10:00. The live alerter passes the instant through
 * which the data is complete, usually inside a minute, and counts that minute
 * as far as it has arrived; a replay has every minute complete, so it takes the
 * ones before `t` and never looks ahead.
 */
export function windowEndingAt(windowMs: number, t: number): TimeRange {
  return { from: t - windowMs, to: t }
}

/** The evaluation instants `from, from + step, …` before `to`. */
export function evaluationTimes(from: number, to: number, stepMs: number): number[] {
  if (!(stepMs > 0)) throw new RangeError(`evaluationTimes: step must be positive, got ${stepMs}`)
  const times: number[] = []
  for (let t = from; t < to; t += stepMs) times.push(t)
  return times
}
