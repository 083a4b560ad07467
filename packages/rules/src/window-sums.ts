import type { TimeRange } from '@adpulse/kpi'
import type { EntityWindowSums, WindowSums } from './evaluate-rules.ts'
import type { Rule } from './rule-config.ts'

/** How the sums of a window are grouped: by channel, by channel and campaign, or by channel, campaign and ad. */
export type SumsGrouping = 'channel' | 'campaign' | 'ad'

/** What one evaluation of a rule set reads: its distinct windows, and the groupings of each. */
export interface SumsNeeded {
  windowsMs: number[]
  groupings: SumsGrouping[]
}

/**
 * The sums an evaluation of `rules` needs, for the alerter and the backtest
 * alike, so the two cannot read different data. Channel rows are always read,
 * whatever the rules' scopes: the value prior (valuePrior, which prices a
 * conversion for an entity with few or none) is estimated over the window's
 * channels, campaign rules included (docs/decisions.md, the value prior).
 * Campaign rows only when a rule judges campaigns, ad rows only when one
 * judges ads. One read per grouping and window, shared by every rule on that window.
 */
export function sumsNeeded(rules: readonly Rule[]): SumsNeeded {
  const judges = (scopes: string[]) => rules.some((r) => scopes.includes(r.scope))
  return {
    windowsMs: [...new Set(rules.map((r) => r.windowMs))],
    groupings: [
      'channel',
      ...(judges(['campaign', 'both']) ? (['campaign'] as const) : []),
      ...(judges(['ad']) ? (['ad'] as const) : []),
    ],
  }
}

/** Reads the sums of one range and grouping (the KPI store's `sums`). */
export type ReadSums = (range: TimeRange, by: SumsGrouping) => Promise<readonly EntityWindowSums[]>

/**
 * The windows evaluateRules judges: for each window of `rules`, the range
 * `rangeOf` gives it (the alerter's ends where the data is complete, the
 * backtest's at its step) and the sums `sumsNeeded` names, read one at a time.
 */
export async function readWindowSums(
  rules: readonly Rule[],
  rangeOf: (windowMs: number) => TimeRange,
  read: ReadSums,
): Promise<Map<number, WindowSums>> {
  const { windowsMs, groupings } = sumsNeeded(rules)
  const windows = new Map<number, WindowSums>()
  for (const windowMs of windowsMs) {
    const range = rangeOf(windowMs)
    windows.set(windowMs, {
      range,
      channels: groupings.includes('channel') ? await read(range, 'channel') : [],
      campaigns: groupings.includes('campaign') ? await read(range, 'campaign') : [],
      ...(groupings.includes('ad') ? { ads: await read(range, 'ad') } : {}),
    })
  }
  return windows
}
