import type { KpiGrouping } from '@adpulse/clickhouse'
import { parseRfc3339 } from '@adpulse/events'
import { NAMED_WINDOWS, rollingRange, type TimeRange } from '@adpulse/kpi'

export interface KpiQuery {
  /** The named window, or null when from/to were given. */
  window: string | null
  range: TimeRange
  by: KpiGrouping
}

export type KpiQueryParse = { ok: true; query: KpiQuery } | { ok: false; error: string }

const MAX_RANGE_MS = 400 * 86_400_000

/** Reads `window=15m|1h|24h|7d` or `from`/`to` (RFC 3339 or epoch ms), and `by=channel|campaign`. */
export function parseKpiQuery(params: Record<string, unknown>, now: number): KpiQueryParse {
  const by = params.by ?? 'channel'
  if (by !== 'channel' && by !== 'campaign') {
    return { ok: false, error: `by: expected channel or campaign, got ${JSON.stringify(by)}` }
  }
  const { window, from, to } = params
  if (window !== undefined) {
    if (from !== undefined || to !== undefined)
      return { ok: false, error: 'give either window or from/to, not both' }
    const ms =
      typeof window === 'string' && Object.hasOwn(NAMED_WINDOWS, window) ? NAMED_WINDOWS[window] : undefined
    if (ms === undefined) {
      return {
        ok: false,
        error: `window: expected one of ${Object.keys(NAMED_WINDOWS).join(', ')}, got ${JSON.stringify(window)}`,
      }
    }
    return { ok: true, query: { window: window as string, range: rollingRange(ms, now), by } }
  }
  if (from === undefined && to === undefined) {
    return { ok: true, query: { window: '1h', range: rollingRange(3_600_000, now), by } }
  }
  const fromMs = parseTime(from)
  // Without `to`, the range ends with the current minute, as the named windows do.
  const toMs = to === undefined ? rollingRange(0, now).to : parseTime(to)
  if (fromMs === null)
    return { ok: false, error: `from: expected RFC 3339 or epoch ms, got ${JSON.stringify(from)}` }
  if (toMs === null)
    return { ok: false, error: `to: expected RFC 3339 or epoch ms, got ${JSON.stringify(to)}` }
  if (fromMs % 60_000 !== 0 || toMs % 60_000 !== 0) {
    return { ok: false, error: 'from and to must fall on whole minutes (buckets are minutes of event time)' }
  }
  if (toMs <= fromMs) return { ok: false, error: 'to must be after from' }
  if (toMs - fromMs > MAX_RANGE_MS) return { ok: false, error: 'the range may span at most 400 days' }
  return { ok: true, query: { window: null, range: { from: fromMs, to: toMs }, by } }
}

function parseTime(value: unknown): number | null {
  if (typeof value !== 'string' || value === '') return null
  if (/^\d+$/.test(value)) return Number(value)
  return parseRfc3339(value)
}
