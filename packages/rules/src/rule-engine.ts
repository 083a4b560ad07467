import type { KpiSums } from '@adpulse/kpi'
import type { AdLiftLookups } from './ad-lift.ts'
import { holds, type Lookup } from './conditions.ts'
import {
  cpaInterval,
  type Interval,
  revenueInterval,
  roasInterval,
  roiInterval,
  wilson,
  zOf,
} from './intervals.ts'
import type { Rule, RuleAction } from './rule-config.ts'
import type { ValuePrior } from './value-prior.ts'

/** The sums of one entity over a rule's window, with what the revenue interval needs. */
export interface EntitySums extends KpiSums {
  /** Σ value² of the conversions, micros² (a double: only its square root matters). */
  revenue_squares: number
}

/** What a rule remembers of one entity: its hysteresis state, cooldown and cap. */
export interface RuleState {
  /** In the rule's state: entered with confidence, not yet left by `exit`. */
  active: boolean
  lastSignalAt: number | null
  /** Budget change signalled since entering, percent (absolute), against the rule's cap. */
  totalChangePct: number
}

export const INITIAL_RULE_STATE: RuleState = { active: false, lastSignalAt: null, totalChangePct: 0 }

/** The evidence a decision was made on, carried by the signal. */
export interface Evidence {
  spend_micros: bigint
  revenue_micros: bigint
  conversions: number
  roi: number | null
  roi_lower: number | null
  roi_upper: number | null
}

export type RuleOutcome =
  | { fired: true; action: RuleAction; budgetChangePct: number; state: RuleState; evidence: Evidence }
  | {
      fired: false
      reason: 'insufficient_evidence' | 'not_met' | 'cooldown' | 'capped'
      state: RuleState
      evidence: Evidence
    }

/**
 * One rule on one entity. Order: minimum evidence; leaving the state when `exit`
 * holds on point estimates; entering (and signalling) when `when` holds on the
 * interval bounds; then the cooldown since the last signal and the cap on the
 * total change. While in the state, a rule may signal again after its cooldown
 * (a SCALE keeps raising until its cap), never faster.
 * `prior` is what a conversion is worth over all entities of the window
 * (`valuePrior` of the window's rows, as the alerter passes it): the revenue
 * upper bound prices an entity's conversions at its credible mean value.
 * `adLifts`: an ad's lifts against its campaign's other ads, for a rule of scope ad.
 */
export function evaluateRule(
  rule: Rule,
  sums: EntitySums,
  state: RuleState,
  now: number,
  prior?: ValuePrior,
  adLifts?: AdLiftLookups,
): RuleOutcome {
  const z = zOf(rule.confidence)
  const spend = Number(sums.spend_micros)
  const revenue = revenueInterval(
    {
      conversions: sums.conversions,
      revenue: Number(sums.revenue_micros),
      revenueSquares: sums.revenue_squares,
    },
    rule.confidence,
    prior,
  )
  const roi = roiInterval(revenue, spend)
  const evidence: Evidence = {
    spend_micros: sums.spend_micros,
    revenue_micros: sums.revenue_micros,
    conversions: sums.conversions,
    roi: spend > 0 ? (Number(sums.revenue_micros) - spend) / spend : null,
    roi_lower: roi?.lower ?? null,
    roi_upper: roi === null || !Number.isFinite(roi.upper) ? null : roi.upper,
  }
  const min = rule.minEvidence
  if (sums.spend_micros < min.spendMicros || sums.clicks < min.clicks || sums.conversions < min.conversions) {
    return { fired: false, reason: 'insufficient_evidence', state, evidence }
  }

  let current = state
  const points = withLifts(pointLookup(sums, rule.params), adLifts?.point)
  if (current.active && holds(rule.exit, points)) current = leftState(current)
  if (!holds(rule.when, withLifts(intervalLookup(sums, rule.params, z, revenue), adLifts?.interval))) {
    return { fired: false, reason: 'not_met', state: current, evidence }
  }
  if (current.lastSignalAt !== null && now - current.lastSignalAt < rule.cooldownMs) {
    return { fired: false, reason: 'cooldown', state: { ...current, active: true }, evidence }
  }
  const left = rule.maxTotalChangePct - current.totalChangePct
  if (left <= 0) return { fired: false, reason: 'capped', state: { ...current, active: true }, evidence }
  // An ad is paused or promoted once per entry into the state: its whole allowance at once, and no budget change.
  const onAd = rule.scope === 'ad'
  const change = onAd ? left : Math.min(Math.abs(rule.budgetChangePct), left)
  return {
    fired: true,
    action: rule.action,
    budgetChangePct: onAd ? 0 : rule.action === 'CUT' ? -change : change,
    state: { active: true, lastSignalAt: now, totalChangePct: current.totalChangePct + change },
    evidence,
  }
}

/** Leaving the state resets the cap, but the cooldown still counts from the last signal. */
const leftState = (state: RuleState): RuleState => ({
  ...INITIAL_RULE_STATE,
  lastSignalAt: state.lastSignalAt,
})

/** An ad rule's lookups: the lifts (ad-lift.ts) first, then the KPIs. */
const withLifts = (kpis: Lookup, lifts: Lookup | undefined): Lookup =>
  lifts === undefined ? kpis : (name) => lifts(name) ?? kpis(name)

const exact = (value: number): Interval => ({ lower: value, upper: value })
const ratio = (a: number, b: number): Interval | null => (b === 0 ? null : exact(a / b))

/** KPIs as exact values: what `exit` is judged on. */
function pointLookup(s: EntitySums, params: Readonly<Record<string, number>>): Lookup {
  const spend = Number(s.spend_micros)
  const revenue = Number(s.revenue_micros)
  return (name) => {
    switch (name) {
      case 'revenue_micros':
        return exact(revenue)
      case 'ctr':
        return ratio(s.clicks, s.impressions)
      case 'cvr':
        return ratio(s.conversions, s.clicks)
      case 'cpa_micros':
        return ratio(spend, s.conversions)
      case 'roas':
        return ratio(revenue, spend)
      case 'roi':
        return ratio(revenue - spend, spend)
      default:
        return exactLookup(s, params, name)
    }
  }
}

/** KPIs with their confidence intervals: what `when` is judged on. */
function intervalLookup(
  s: EntitySums,
  params: Readonly<Record<string, number>>,
  z: number,
  revenue: Interval,
): Lookup {
  const spend = Number(s.spend_micros)
  return (name) => {
    switch (name) {
      case 'revenue_micros':
        return revenue
      // Conversions can outnumber clicks (view-through); the rate is capped at 1.
      case 'ctr':
        return wilson(Math.min(s.clicks, s.impressions), s.impressions, z)
      case 'cvr':
        return wilson(Math.min(s.conversions, s.clicks), s.clicks, z)
      case 'cpa_micros':
        return cpaInterval(s.conversions, spend, z)
      case 'roas':
        return roasInterval(revenue, spend)
      case 'roi':
        return roiInterval(revenue, spend)
      default:
        return exactLookup(s, params, name)
    }
  }
}

/** Counts, spend and the per-unit costs derived from them are known exactly. */
function exactLookup(s: EntitySums, params: Readonly<Record<string, number>>, name: string): Interval | null {
  const spend = Number(s.spend_micros)
  switch (name) {
    case 'impressions':
      return exact(s.impressions)
    case 'clicks':
      return exact(s.clicks)
    case 'conversions':
      return exact(s.conversions)
    case 'spend_micros':
      return exact(spend)
    case 'cpc_micros':
      return ratio(spend, s.clicks)
    case 'cpm_micros':
      return ratio(spend * 1000, s.impressions)
    default: {
      const param = params[name]
      return param === undefined ? null : exact(param)
    }
  }
}
