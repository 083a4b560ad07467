import type { KpiGrouping, KpiStore } from '@adpulse/clickhouse'
import type { Signal } from '@adpulse/events'
import { entityKey, evaluateRules, type Rule, type RuleState, readWindowSums } from '@adpulse/rules'
import { DEFAULT_STEP_MS, evaluationTimes, windowEndingAt } from './backtest-window.ts'
import { percentOfMicros } from './money.ts'

export interface BacktestOptions {
  /** The stored minute buckets; only `sums` is used, so nothing is written. */
  kpis: Pick<KpiStore, 'sums'>
  rules: readonly Rule[]
  /** First evaluation instant, epoch ms, on a whole minute. */
  from: number
  /** End of the replay, epoch ms, on a whole minute, exclusive: the last evaluation is before it, and spend saved or added counts up to it. */
  to: number
  /** Time between evaluations, whole minutes; default 15m. */
  stepMs?: number
  /** Called after every step with the steps done and the steps in all. */
  onProgress?: (done: number, total: number) => void
}

/** A signal the rules would have sent, and what acting on it would have changed. */
export interface BacktestSignal {
  /** As the alerter would have published it; `created_at` is the evaluation instant. */
  signal: Signal
  /** `channel` or `channel/campaign_id`. */
  entity: string
  /** The entity's actual spend from the signal to `to`, micros. */
  spendAfterMicros: bigint
  /** CUT: |budget_change_pct| % of that spend, which the cut would have saved; 0 for SCALE. */
  savedMicros: bigint
  /** SCALE: budget_change_pct % of that spend, which the raise would have added; 0 for CUT. */
  addedMicros: bigint
}

export interface BacktestResult {
  from: number
  to: number
  stepMs: number
  steps: number
  /** In the order they would have fired: by time, then in rule order. */
  signals: BacktestSignal[]
  totals: { cut: number; scale: number; savedMicros: bigint; addedMicros: bigint }
}

/**
 * Replays stored minute buckets through the rules: an evaluation clock steps
 * from `from` to `to`, and at each step every rule judges the window that ended
 * then (`windowEndingAt`), through the alerter's own `evaluateRules` (packages/rules), with the
 * rule states (hysteresis, cooldown, cap) carried from step to step, starting
 * from none. The history is taken as complete: no step is skipped as stale.
 *
 * Spend saved or added is first-order: each signal's budget change applied to
 * the entity's *actual* spend from the signal to `to`, as if the change had
 * scaled that spend in proportion. Signals are not compounded with each other
 * (three +33 % raises add 99 % of the later spend, not 135 %), and a channel and
 * one of its campaigns both signalled are both counted. Shares are truncated to
 * whole micros (`percentOfMicros`).
 */
export async function runBacktest(options: BacktestOptions): Promise<BacktestResult> {
  const { kpis, rules, from, to } = options
  const stepMs = options.stepMs ?? DEFAULT_STEP_MS
  if (from % 60_000 !== 0 || to % 60_000 !== 0 || stepMs % 60_000 !== 0 || stepMs <= 0 || from >= to) {
    throw new RangeError(
      `runBacktest: from < to and step > 0 must be whole minutes, got ${from}, ${to}, ${stepMs}`,
    )
  }
  if (rules.some((r) => from - r.windowMs < 0)) {
    throw new RangeError('runBacktest: a rule window would start before the epoch')
  }
  const times = evaluationTimes(from, to, stepMs)
  const states = new Map<string, RuleState>()
  const fired: Signal[] = []
  for (const [index, t] of times.entries()) {
    // The alerter's own reads (readWindowSums): one query per grouping and window, shared by the rules on it.
    const windows = await readWindowSums(
      rules,
      (windowMs) => windowEndingAt(windowMs, t),
      (range, by) => kpis.sums(range, by),
    )
    const result = evaluateRules(rules, windows, states, t)
    for (const [key, state] of result.changed) states.set(key, state)
    fired.push(...result.signals)
    options.onProgress?.(index + 1, times.length)
  }

  const spendAfter = spendAfterLookup(kpis, to)
  const signals: BacktestSignal[] = []
  for (const signal of fired) {
    const entity = entityKey(signal.channel, signal.campaign_id, signal.ad_id)
    const spend = await spendAfter(signal.created_at, signal.scope, entity)
    const share = percentOfMicros(spend, signal.budget_change_pct)
    signals.push({
      signal,
      entity,
      spendAfterMicros: spend,
      savedMicros: signal.action === 'CUT' ? share : 0n,
      addedMicros: signal.action === 'SCALE' ? share : 0n,
    })
  }
  return { from, to, stepMs, steps: times.length, signals, totals: totalsOf(signals) }
}

/**
 * Spend of an entity over [t, to): one grouped query per signal time and scope,
 * kept, so every signal of one step shares it.
 */
function spendAfterLookup(kpis: Pick<KpiStore, 'sums'>, to: number) {
  const cache = new Map<string, Promise<Map<string, bigint>>>()
  return async (t: number, scope: Signal['scope'], entity: string): Promise<bigint> => {
    const by: KpiGrouping = scope
    const key = `${by}@${t}`
    let spends = cache.get(key)
    if (spends === undefined) {
      spends = kpis
        .sums({ from: t, to }, by)
        .then(
          (rows) =>
            new Map(
              rows.map((r) => [entityKey(r.channel, r.campaign_id ?? null, r.ad_id ?? null), r.spend_micros]),
            ),
        )
      cache.set(key, spends)
    }
    return (await spends).get(entity) ?? 0n
  }
}

function totalsOf(signals: readonly BacktestSignal[]): BacktestResult['totals'] {
  const totals = { cut: 0, scale: 0, savedMicros: 0n, addedMicros: 0n }
  for (const s of signals) {
    if (s.signal.action === 'CUT') totals.cut++
    else if (s.signal.action === 'SCALE') totals.scale++
    totals.savedMicros += s.savedMicros
    totals.addedMicros += s.addedMicros
  }
  return totals
}
