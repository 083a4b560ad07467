import type { Signal } from '@adpulse/events'
import type { TimeRange } from '@adpulse/kpi'
import { adLifts } from './ad-lift.ts'
import type { Condition } from './conditions.ts'
import { entityKey, signalId, stateKey } from './entity-keys.ts'
import type { Rule } from './rule-config.ts'
import {
  type EntitySums,
  evaluateRule,
  INITIAL_RULE_STATE,
  type RuleOutcome,
  type RuleState,
} from './rule-engine.ts'
import { valuePrior } from './value-prior.ts'

/**
 * The sums of one entity over a window, as the rules read them: a channel, a
 * campaign of a channel, or an ad of a campaign. The alerter and the backtest
 * fill it from the KPI store's rows; the rules know nothing of where the sums are kept.
 */
export interface EntityWindowSums extends EntitySums {
  channel: string
  /** Absent on a channel's sums. */
  campaign_id?: string | undefined
  /** Present on an ad's sums only ('' for events without an ad). */
  ad_id?: string | undefined
}

/** The sums of one window, by channel, by campaign and by ad (readWindowSums reads what the rules need). */
export interface WindowSums {
  range: TimeRange
  /** Always filled, campaign rules or not: the value prior is estimated over the channels. */
  channels: readonly EntityWindowSums[]
  campaigns: readonly EntityWindowSums[]
  /** By channel, campaign and ad; read only when a rule judges ads. */
  ads?: readonly EntityWindowSums[] | undefined
}

export interface Evaluation {
  signals: Signal[]
  /** States that changed, by stateKey. */
  changed: Map<string, RuleState>
  /** Rule × entity pairs judged. */
  judged: number
}

/**
 * Runs every rule over the entities of its scope and window. Pure: the alerter
 * supplies the sums and the remembered states, and applies what comes back.
 */
export function evaluateRules(
  rules: readonly Rule[],
  windows: ReadonlyMap<number, WindowSums>,
  states: ReadonlyMap<string, RuleState>,
  now: number,
): Evaluation {
  const signals: Signal[] = []
  const changed = new Map<string, RuleState>()
  let judged = 0
  for (const rule of rules) {
    const window = windows.get(rule.windowMs)
    if (!window) continue
    const rows = rowsOf(rule, window).filter((row) => applies(rule, row))
    // What a conversion is worth in this shop and how far entities differ from it, over the window.
    const prior = valuePrior(window.channels)
    const lifts = rule.scope === 'ad' ? adLifts(window.ads ?? [], rule.confidence, rule.minLift) : undefined
    for (const row of rows) {
      const entity = entityKey(row.channel, row.campaign_id ?? null, row.ad_id ?? null)
      const key = stateKey(rule.name, entity)
      const before = states.get(key) ?? INITIAL_RULE_STATE
      const outcome = evaluateRule(rule, row, before, now, prior, lifts?.get(entity))
      judged++
      if (!sameState(before, outcome.state)) changed.set(key, outcome.state)
      if (outcome.fired) signals.push(toSignal(rule, row, entity, window.range, outcome, now))
    }
  }
  return { signals, changed, judged }
}

/** The entities a rule judges: its scope's rows (an ad rule: the ads with an id). */
function rowsOf(rule: Rule, window: WindowSums): readonly EntityWindowSums[] {
  if (rule.scope === 'ad')
    return (window.ads ?? []).filter((row) => row.ad_id !== undefined && row.ad_id !== '')
  return [
    ...(rule.scope === 'campaign' ? [] : window.channels),
    ...(rule.scope === 'channel' ? [] : window.campaigns),
  ]
}

function applies(rule: Rule, row: EntityWindowSums): boolean {
  if (rule.channels.length > 0 && !rule.channels.includes(row.channel)) return false
  if (
    rule.campaigns.length > 0 &&
    (row.campaign_id === undefined || !rule.campaigns.includes(row.campaign_id))
  ) {
    return false
  }
  return true
}

const sameState = (a: RuleState, b: RuleState): boolean =>
  a.active === b.active && a.lastSignalAt === b.lastSignalAt && a.totalChangePct === b.totalChangePct

function toSignal(
  rule: Rule,
  row: EntityWindowSums,
  entity: string,
  range: TimeRange,
  outcome: Extract<RuleOutcome, { fired: true }>,
  now: number,
): Signal {
  const threshold = roiThreshold(rule.when)
  return {
    signal_id: signalId(rule.name, entity, outcome.action, range),
    action: outcome.action,
    scope: row.ad_id !== undefined ? 'ad' : row.campaign_id === undefined ? 'channel' : 'campaign',
    channel: row.channel,
    campaign_id: row.campaign_id ?? null,
    ad_id: row.ad_id ?? null,
    rule: rule.name,
    window_from: range.from,
    window_to: range.to,
    spend_micros: outcome.evidence.spend_micros.toString(),
    revenue_micros: outcome.evidence.revenue_micros.toString(),
    conversions: outcome.evidence.conversions,
    roi: outcome.evidence.roi,
    roi_lower: outcome.evidence.roi_lower,
    roi_upper: outcome.evidence.roi_upper,
    cut_below_roi: rule.action === 'CUT' ? threshold : Number.NaN,
    scale_above_roi: rule.action === 'SCALE' ? threshold : Number.NaN,
    min_spend_micros: rule.minEvidence.spendMicros.toString(),
    budget_change_pct: outcome.budgetChangePct,
    created_at: now,
    condition: rule.whenText,
    exit_condition: rule.exitText,
    confidence: rule.confidence,
  }
}

/** The number ROI is compared with in a condition (`roi < 0` → 0), NaN when there is none. */
export function roiThreshold(condition: Condition): number {
  if (condition.kind !== 'compare') {
    for (const term of condition.terms) {
      const found = roiThreshold(term)
      if (!Number.isNaN(found)) return found
    }
    return Number.NaN
  }
  const { left, right } = condition
  if (left.kind === 'name' && left.name === 'roi' && right.kind === 'number') return right.value / left.factor
  if (right.kind === 'name' && right.name === 'roi' && left.kind === 'number')
    return left.value / right.factor
  return Number.NaN
}
