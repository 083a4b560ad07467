import type { BacktestResult, BacktestSignal } from './backtest.ts'
import { formatMicros } from './money.ts'

/** Epoch ms as RFC 3339 in UTC, without the milliseconds buckets never have. */
export const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z')

const ratio = (value: number): string => value.toFixed(3)

/** `-0.500 [-0.620, -0.380]`; `inf` for an unbounded upper end, `-` without a ROI (no spend). */
export function formatRoi(roi: number | null, lower: number | null, upper: number | null): string {
  if (roi === null) return '-'
  const low = lower === null ? '-inf' : ratio(lower)
  const high = upper === null ? 'inf' : ratio(upper)
  return `${ratio(roi)} [${low}, ${high}]`
}

const HEADER = ['time', 'rule', 'action', 'entity', 'roi [interval]', 'change', 'saved', 'added']
/** Columns aligned right: the numbers. */
const RIGHT = new Set([5, 6, 7])

function row(s: BacktestSignal): string[] {
  const { signal } = s
  const change = signal.budget_change_pct
  return [
    rfc3339(signal.created_at),
    signal.rule,
    signal.action,
    s.entity,
    formatRoi(signal.roi, signal.roi_lower, signal.roi_upper),
    `${change > 0 ? '+' : ''}${change}%`,
    signal.action === 'CUT' ? formatMicros(s.savedMicros) : '',
    signal.action === 'SCALE' ? formatMicros(s.addedMicros) : '',
  ]
}

/** The human report: one aligned row per signal, then the totals. Money in units with six decimals. */
export function formatTable(result: BacktestResult): string {
  const lines: string[] = []
  if (result.signals.length > 0) {
    const rows = [HEADER, ...result.signals.map(row)]
    const widths = HEADER.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)))
    for (const r of rows) {
      const cells = r.map((cell, c) =>
        RIGHT.has(c) ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0),
      )
      lines.push(cells.join('  ').trimEnd())
    }
    lines.push('')
  }
  const { totals } = result
  const span = `${result.steps} steps of ${result.stepMs / 60_000}m from ${rfc3339(result.from)} to ${rfc3339(result.to)}`
  lines.push(
    result.signals.length === 0
      ? `no signal would have fired in ${span}`
      : `${result.signals.length} signals (${totals.cut} CUT, ${totals.scale} SCALE) in ${span}`,
    `spend saved ${formatMicros(totals.savedMicros)}, spend added ${formatMicros(totals.addedMicros)}` +
      ' (each change applied to the actual spend from its signal to --to, not compounded)',
  )
  return `${lines.join('\n')}\n`
}

/** One JSON object per line: each signal (`type: "signal"`), then `type: "totals"`. Money as strings of micros. */
export function formatJsonLines(result: BacktestResult): string {
  const lines = result.signals.map((s) => {
    const { signal } = s
    return JSON.stringify({
      type: 'signal',
      time: rfc3339(signal.created_at),
      signal_id: signal.signal_id,
      rule: signal.rule,
      action: signal.action,
      scope: signal.scope,
      channel: signal.channel,
      campaign_id: signal.campaign_id,
      entity: s.entity,
      window_from: rfc3339(signal.window_from),
      window_to: rfc3339(signal.window_to),
      spend_micros: signal.spend_micros,
      revenue_micros: signal.revenue_micros,
      conversions: signal.conversions,
      roi: signal.roi,
      roi_lower: signal.roi_lower,
      roi_upper: signal.roi_upper,
      budget_change_pct: signal.budget_change_pct,
      spend_after_micros: s.spendAfterMicros.toString(),
      saved_micros: s.savedMicros.toString(),
      added_micros: s.addedMicros.toString(),
    })
  })
  const { totals } = result
  lines.push(
    JSON.stringify({
      type: 'totals',
      from: rfc3339(result.from),
      to: rfc3339(result.to),
      step_ms: result.stepMs,
      steps: result.steps,
      signals: result.signals.length,
      cut: totals.cut,
      scale: totals.scale,
      saved_micros: totals.savedMicros.toString(),
      added_micros: totals.addedMicros.toString(),
    }),
  )
  return `${lines.join('\n')}\n`
}
