import type { Bucketing, KpiGrouping } from '@adpulse/clickhouse'
import { parseRfc3339 } from '@adpulse/events'
import { NAMED_WINDOWS, rollingRange, type TimeRange } from '@adpulse/kpi'

export interface KpiQuery {
  /** The named window, or null when from/to were given. */
  window: string | null
  range: TimeRange
  by: KpiGrouping
  /** Hourly or daily rows in a time zone, when `bucket` was given. */
  bucketing: Bucketing | undefined
}

export type KpiQueryParse = { ok: true; query: KpiQuery } | { ok: false; error: string }

const MAX_RANGE_MS = 400 * 86_400_000

/**
 * Reads `window=15m|1h|24h|7d` or `from`/`to` (RFC 3339 or epoch ms),
 * `by=channel|campaign`, and optionally `bucket=hour|day` with `tz` (IANA, default UTC).
 */
export function parseKpiQuery(params: Record<string, unknown>, now: number): KpiQueryParse {
  const parsed = parseRange(params, now)
  if (!parsed.ok) return parsed
  const by = params.by ?? 'channel'
  if (by !== 'channel' && by !== 'campaign') {
    return { ok: false, error: `by: expected channel or campaign, got ${JSON.stringify(by)}` }
  }
  const { bucket, tz = 'UTC' } = params
  if (bucket === undefined) {
    if (params.tz !== undefined)
      return { ok: false, error: 'tz: only meaningful with bucket=hour or bucket=day' }
    return { ok: true, query: { ...parsed.query, by, bucketing: undefined } }
  }
  if (bucket !== 'hour' && bucket !== 'day') {
    return { ok: false, error: `bucket: expected hour or day, got ${JSON.stringify(bucket)}` }
  }
  if (typeof tz !== 'string' || !isTimeZone(tz)) {
    return {
      ok: false,
      error: `tz: expected an IANA time zone such as Asia/Tehran, got ${JSON.stringify(tz)}`,
    }
  }
  return { ok: true, query: { ...parsed.query, by, bucketing: { unit: bucket, timeZone: tz } } }
}

type RangeParse = { ok: true; query: Pick<KpiQuery, 'window' | 'range'> } | { ok: false; error: string }

function parseRange(params: Record<string, unknown>, now: number): RangeParse {
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
    return { ok: true, query: { window: window as string, range: rollingRange(ms, now) } }
  }
  if (from === undefined && to === undefined) {
    return { ok: true, query: { window: '1h', range: rollingRange(3_600_000, now) } }
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
  return { ok: true, query: { window: null, range: { from: fromMs, to: toMs } } }
}

function parseTime(value: unknown): number | null {
  if (typeof value !== 'string' || value === '') return null
  if (/^\d+$/.test(value)) return Number(value)
  return parseRfc3339(value)
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name })
    return true
  } catch {
    return false
  }
}
