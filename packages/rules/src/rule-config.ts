import { parseDurationMs } from '@adpulse/kpi'
import { AD_LIFT_NAMES } from './ad-lift.ts'
import { checkAdCondition, checkScopeAndAction, isAdAction, parseMinLift } from './ad-rule-config.ts'
import { type Condition, parseCondition } from './conditions.ts'
import { findConflicts } from './conflicts.ts'
import { KPI_NAMES } from './kpi-names.ts'

export type RuleScope = 'channel' | 'campaign' | 'both' | 'ad'
export type RuleAction = 'CUT' | 'SCALE' | 'PAUSE_AD' | 'PROMOTE_AD'

/** One decision rule, validated. See docs/decisions.md for the file format. */
export interface Rule {
  name: string
  /** Whether it judges channels, campaigns, both, or the ads of campaigns (PAUSE_AD, PROMOTE_AD). */
  scope: RuleScope
  /** Restricts the rule to these channels / campaigns; empty means all. */
  channels: readonly string[]
  campaigns: readonly string[]
  windowMs: number
  action: RuleAction
  /** Suggested budget change of one signal, percent: negative for CUT (−100 pauses), positive for SCALE, 0 for an ad action. */
  budgetChangePct: number
  /** Cap of the total change while the entity stays in the state, percent (absolute). */
  maxTotalChangePct: number
  /** Enter (and signal) when this holds with confidence, on interval bounds. */
  when: Condition
  /** Leave the state when this holds on point estimates; a different threshold than `when` (hysteresis). */
  exit: Condition
  /** The conditions as written, carried by signals. */
  whenText: string
  exitText: string
  minEvidence: { spendMicros: bigint; clicks: number; conversions: number }
  /** One-sided confidence of the interval bounds, e.g. 0.9. */
  confidence: number
  /** Scope ad: the smallest lift the test of two ads is tuned to find; undefined: its default prior. */
  minLift: number | undefined
  /** No new signal of this rule for an entity before this has passed since its last one. */
  cooldownMs: number
  /** Named numbers the conditions may use, e.g. cpa_target_micros. */
  params: Readonly<Record<string, number>>
}

export type RulesResult = { ok: true; rules: Rule[] } | { ok: false; errors: string[] }

const RULE_KEYS = new Set([
  'name',
  'scope',
  'filter',
  'window',
  'action',
  'budget_change_pct',
  'max_total_change_pct',
  'when',
  'exit',
  'min_evidence',
  'confidence',
  'min_lift',
  'cooldown',
  'params',
])

/**
 * Validates a rules document (`{ "rules": [...] }`, parsed from JSON or YAML).
 * Every problem is reported with the rule and field it concerns; rules that
 * could order CUT and SCALE on the same entity at the same time are refused.
 */
export function parseRules(document: unknown): RulesResult {
  const errors: string[] = []
  const rawRules = isObject(document) ? document.rules : undefined
  if (!Array.isArray(rawRules) || rawRules.length === 0) {
    return { ok: false, errors: ['rules: expected a non-empty list under "rules"'] }
  }
  const rules: Rule[] = []
  const names = new Set<string>()
  rawRules.forEach((raw, index) => {
    const rule = parseRule(raw, index, errors)
    if (!rule) return
    if (names.has(rule.name)) errors.push(`rule ${JSON.stringify(rule.name)}: name: used by another rule`)
    names.add(rule.name)
    rules.push(rule)
  })
  if (errors.length === 0) {
    for (const conflict of findConflicts(rules)) errors.push(conflict)
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, rules }
}

function parseRule(raw: unknown, index: number, errors: string[]): Rule | undefined {
  const startErrors = errors.length
  if (!isObject(raw)) {
    errors.push(`rules[${index}]: expected an object`)
    return undefined
  }
  const name =
    typeof raw.name === 'string' && /^[a-z0-9][a-z0-9_-]{0,63}$/.test(raw.name) ? raw.name : undefined
  const where = `rule ${name === undefined ? `#${index + 1}` : JSON.stringify(name)}`
  const fail = (field: string, message: string) => errors.push(`${where}: ${field}: ${message}`)
  if (name === undefined) fail('name', `expected a slug of a-z, 0-9, _ and -, got ${show(raw.name)}`)
  for (const key of Object.keys(raw)) if (!RULE_KEYS.has(key)) fail(key, 'unknown field')

  const scope = raw.scope ?? 'channel'
  if (scope !== 'channel' && scope !== 'campaign' && scope !== 'both' && scope !== 'ad') {
    fail('scope', `expected channel, campaign, both or ad, got ${show(raw.scope)}`)
  }
  const { channels, campaigns } = parseFilter(raw.filter ?? {}, fail)

  const windowMs = duration(raw.window ?? '1h', 'window', fail)
  if (windowMs !== undefined && windowMs < 60_000) fail('window', 'must be at least 1m (buckets are minutes)')
  const cooldownMs = duration(raw.cooldown ?? '1h', 'cooldown', fail)

  const action = raw.action
  if (action !== 'CUT' && action !== 'SCALE' && !isAdAction(action)) {
    fail('action', `expected CUT, SCALE, PAUSE_AD or PROMOTE_AD, got ${show(action)}`)
  }
  checkScopeAndAction(raw, scope, action, fail)
  // An ad action is signalled once per entry into its state (rule-engine.ts): the whole allowance, no budget.
  const { budgetChangePct, maxTotal } =
    scope === 'ad' ? { budgetChangePct: 0, maxTotal: 100 } : parseBudgetChange(raw, action, fail)

  const params = parseParams(raw.params, fail)
  const lifts = scope === 'ad' ? AD_LIFT_NAMES : []
  const known = new Set<string>([...KPI_NAMES, ...lifts, ...Object.keys(params)])
  const when = condition(raw.when, 'when', known, fail)
  const exit = condition(raw.exit, 'exit', known, fail)
  if (scope === 'ad' && when !== undefined) checkAdCondition(when, fail)

  const { spendMicros, clicks, conversions } = parseMinEvidence(raw.min_evidence, fail)

  const confidence = raw.confidence ?? 0.9
  if (typeof confidence !== 'number' || !(confidence >= 0.5 && confidence <= 0.999)) {
    fail('confidence', `expected a number from 0.5 to 0.999, got ${show(raw.confidence)}`)
  }

  const minLift = parseMinLift(raw, scope, fail)

  if (errors.length > startErrors) return undefined
  return {
    name: name as string,
    scope: scope as RuleScope,
    channels,
    campaigns,
    windowMs: windowMs as number,
    action: action as RuleAction,
    budgetChangePct: budgetChangePct as number,
    maxTotalChangePct: maxTotal as number,
    when: when as Condition,
    exit: exit as Condition,
    whenText: (raw.when as string).trim(),
    exitText: (raw.exit as string).trim(),
    minEvidence: {
      spendMicros: spendMicros as bigint,
      clicks: clicks as number,
      conversions: conversions as number,
    },
    confidence: confidence as number,
    minLift,
    cooldownMs: cooldownMs as number,
    params,
  }
}

type Fail = (field: string, message: string) => void

/** `filter`: the channels and campaigns a rule is restricted to (empty: all). */
function parseFilter(filter: unknown, fail: Fail): { channels: string[]; campaigns: string[] } {
  if (!isObject(filter)) {
    fail('filter', 'expected an object with channels and/or campaigns')
    return { channels: [], campaigns: [] }
  }
  for (const key of Object.keys(filter))
    if (key !== 'channels' && key !== 'campaigns') fail(`filter.${key}`, 'unknown field')
  return {
    channels: stringList(filter.channels, 'filter.channels', fail),
    campaigns: stringList(filter.campaigns, 'filter.campaigns', fail),
  }
}

/** `budget_change_pct` and `max_total_change_pct`, their defaults and bounds following the action. */
function parseBudgetChange(
  raw: Record<string, unknown>,
  action: unknown,
  fail: Fail,
): { budgetChangePct: unknown; maxTotal: unknown } {
  const defaultChange = action === 'CUT' ? -100 : 20
  const budgetChangePct = raw.budget_change_pct ?? defaultChange
  if (typeof budgetChangePct !== 'number' || !Number.isInteger(budgetChangePct)) {
    fail('budget_change_pct', `expected an integer percent, got ${show(raw.budget_change_pct)}`)
  } else if (action === 'CUT' && (budgetChangePct < -100 || budgetChangePct > -1)) {
    fail('budget_change_pct', `a CUT lowers the budget: expected -100 (pause) to -1, got ${budgetChangePct}`)
  } else if (action === 'SCALE' && (budgetChangePct < 1 || budgetChangePct > 1000)) {
    fail('budget_change_pct', `a SCALE raises the budget: expected 1 to 1000, got ${budgetChangePct}`)
  }
  const maxTotal = raw.max_total_change_pct ?? (action === 'CUT' ? Math.abs(Number(budgetChangePct)) : 100)
  if (
    typeof maxTotal !== 'number' ||
    !Number.isInteger(maxTotal) ||
    maxTotal < 1 ||
    maxTotal > (action === 'CUT' ? 100 : 10_000)
  ) {
    fail(
      'max_total_change_pct',
      `expected a positive integer percent (at most 100 for CUT), got ${show(raw.max_total_change_pct)}`,
    )
  }
  return { budgetChangePct, maxTotal }
}

/** `min_evidence`: spend (integer micros, a number or a string of digits), clicks and conversions, each default 0. */
function parseMinEvidence(
  raw: unknown,
  fail: Fail,
): { spendMicros: bigint | undefined; clicks: number | undefined; conversions: number | undefined } {
  const evidence = isObject(raw) ? raw : {}
  if (raw !== undefined && !isObject(raw)) fail('min_evidence', 'expected an object')
  for (const key of Object.keys(evidence)) {
    if (key !== 'spend_micros' && key !== 'clicks' && key !== 'conversions')
      fail(`min_evidence.${key}`, 'unknown field')
  }
  const minSpend = evidence.spend_micros ?? 0
  const spendMicros =
    (typeof minSpend === 'number' && Number.isSafeInteger(minSpend) && minSpend >= 0) ||
    (typeof minSpend === 'string' && /^\d+$/.test(minSpend))
      ? BigInt(minSpend)
      : undefined
  if (spendMicros === undefined)
    fail('min_evidence.spend_micros', `expected integer micros >= 0, got ${show(minSpend)}`)
  return {
    spendMicros,
    clicks: count(evidence.clicks ?? 0, 'min_evidence.clicks', fail),
    conversions: count(evidence.conversions ?? 0, 'min_evidence.conversions', fail),
  }
}

function condition(raw: unknown, field: string, names: Set<string>, fail: Fail): Condition | undefined {
  if (typeof raw !== 'string') {
    fail(field, `expected a condition such as "roi < 0", got ${show(raw)}`)
    return undefined
  }
  const result = parseCondition(raw, names)
  if (!result.ok) fail(field, result.error)
  return result.ok ? result.condition : undefined
}

function parseParams(raw: unknown, fail: Fail): Record<string, number> {
  if (raw === undefined) return {}
  if (!isObject(raw)) {
    fail('params', 'expected an object of name → number')
    return {}
  }
  const params: Record<string, number> = {}
  for (const [key, value] of Object.entries(raw)) {
    if (
      !/^[a-z_][a-z0-9_]*$/.test(key) ||
      ([...KPI_NAMES, ...AD_LIFT_NAMES] as string[]).includes(key) ||
      key === 'and' ||
      key === 'or'
    ) {
      fail(`params.${key}`, 'expected a lowercase name that is not a KPI name')
    } else if (typeof value !== 'number' || !Number.isFinite(value)) {
      fail(`params.${key}`, `expected a number, got ${show(value)}`)
    } else params[key] = value
  }
  return params
}

function duration(raw: unknown, field: string, fail: Fail): number | undefined {
  const ms = typeof raw === 'string' ? parseDurationMs(raw) : undefined
  if (ms === undefined) fail(field, `expected a duration such as 15m, 1h or 7d, got ${show(raw)}`)
  return ms
}

function count(raw: unknown, field: string, fail: Fail): number | undefined {
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0) return raw
  fail(field, `expected an integer >= 0, got ${show(raw)}`)
  return undefined
}

function stringList(raw: unknown, field: string, fail: Fail): string[] {
  if (raw === undefined) return []
  if (Array.isArray(raw) && raw.every((item) => typeof item === 'string' && item !== ''))
    return raw as string[]
  fail(field, 'expected a list of names')
  return []
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const show = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value))
