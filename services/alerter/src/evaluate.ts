import { createHash } from 'node:crypto'
import type { KpiSumsRow } from '@adpulse/clickhouse'
import type { Signal, SignalAction } from '@adpulse/events'
import type { TimeRange } from '@adpulse/kpi'
import { decideRoi, type RoiRule } from '@adpulse/rules'

/** The last action published per entity key; a signal fires only when it changes. */
export type SignalState = Map<string, SignalAction>

/** Key of an entity, as on the signals topic: `channel` or `channel/campaign_id`. */
export const entityKey = (channel: string, campaignId: string | null): string =>
  campaignId === null ? channel : `${channel}/${campaignId}`

/**
 * Evaluates the ROI rule for every channel over one window and returns the
 * signals to publish: those whose action differs from the entity's last one.
 * The signal id hashes rule, entity, action and window, so the same decision on
 * the same window always has the same id.
 */
export function evaluateChannels(
  rows: KpiSumsRow[],
  rule: RoiRule,
  range: TimeRange,
  state: ReadonlyMap<string, SignalAction>,
  now: number,
): Signal[] {
  const signals: Signal[] = []
  for (const row of rows) {
    const decision = decideRoi(row, rule)
    if (decision.action === null) continue
    const key = entityKey(row.channel, null)
    if (state.get(key) === decision.action) continue
    signals.push({
      signal_id: signalId(rule.name, key, decision.action, range),
      action: decision.action,
      scope: 'channel',
      channel: row.channel,
      campaign_id: null,
      rule: rule.name,
      window_from: range.from,
      window_to: range.to,
      spend_micros: row.spend_micros.toString(),
      revenue_micros: row.revenue_micros.toString(),
      conversions: row.conversions,
      roi: decision.roi,
      roi_lower: null,
      roi_upper: null,
      cut_below_roi: rule.cutBelowRoi,
      scale_above_roi: rule.scaleAboveRoi,
      min_spend_micros: rule.minSpendMicros.toString(),
      budget_change_pct: decision.budgetChangePct,
      created_at: now,
    })
  }
  return signals
}

export function signalId(rule: string, entity: string, action: SignalAction, range: TimeRange): string {
  return createHash('sha256')
    .update(`${rule}\u0000${entity}\u0000${action}\u0000${range.from}\u0000${range.to}`)
    .digest('hex')
    .slice(0, 32)
}
