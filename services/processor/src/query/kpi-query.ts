import type { Bucketing, KpiRequest } from '@adpulse/clickhouse'
import { DEFAULT_CONTRACT, type EventContract, parseRfc3339 } from '@adpulse/events'
import {
  type Dimension,
  type KpiFilters,
  type KpiSort,
  NAMED_WINDOWS,
  rollingRange,
  type TimeRange,
} from '@adpulse/kpi'
import { FILTER_PARAMETERS, parseBy, parseFilters, parseSort } from './kpi-breakdown-params.ts'
import { decodeCursor, encodeCursor, fingerprintOf, isCount, malformedCursor } from './page-cursor.ts'
import { type ParamParse, parseLimit, type QueryParams, unknownParameters } from './query-params.ts'

export interface KpiQuery {
  /** The named window, or null when from/to were given. */
  window: string | null
  /** The range of the first page: a cursor pins it, so a rolling window stands still while paging. */
  range: TimeRange
  /** In DIMENSIONS order, with the enclosing dimensions (a campaign's channel). */
  by: Dimension[]
  filters: KpiFilters
  /** Hourly or daily rows in a time zone, when `bucket` was given. */
  bucketing: Bucketing | undefined
  sort: KpiSort | undefined
  limit: number
  /** Rows of the same query before this page: 0 without a cursor. */
  offset: number
  /** The parameters apart from the cursor, digested: a cursor is good for these only. */
  fingerprint: string
}

export type KpiQueryParse = { ok: true; query: KpiQuery } | { ok: false; error: string }

/** Every parameter GET /v1/kpis reads; any other is a 400. */
export const KPI_PARAMETERS = [
  'window',
  'from',
  'to',
  'by',
  ...FILTER_PARAMETERS,
  'sort',
  'order',
  'bucket',
  'tz',
  'limit',
  'cursor',
] as const

const MAX_RANGE_MS = 400 * 86_400_000

/**
 * Reads `window=15m|1h|24h|7d` or `from`/`to` (RFC 3339 or epoch ms), `by`
 * (parseBy), the filters (parseFilters), `sort` and `order`, optionally
 * `bucket=hour|day` with `tz` (IANA, default UTC), `limit` (1-1000, default
 * 100) and the `cursor` of a previous page. Filter values follow the write
 * contract's limits (`contract`).
 */
export function parseKpiQuery(
  params: QueryParams,
  now: number,
  contract: Pick<EventContract, 'maxIdLength' | 'maxActionLength'> = DEFAULT_CONTRACT,
): KpiQueryParse {
  const unknown = unknownParameters(params, KPI_PARAMETERS)
  if (unknown !== null) return { ok: false, error: unknown }
  const parsed = parseRange(params, now)
  if (!parsed.ok) return parsed
  const by = parseBy(params.by)
  if (!by.ok) return by
  const bucketing = parseBucketing(params)
  if (!bucketing.ok) return bucketing
  const filters = parseFilters(params, contract)
  if (!filters.ok) return filters
  const sort = parseSort(params)
  if (!sort.ok) return sort
  const limit = parseLimit(params.limit)
  if (!limit.ok) return limit
  const { window = null, from = null, to = null } = params
  const shape = { by: by.value, filters: filters.value, bucketing: bucketing.value, sort: sort.value }
  const fingerprint = fingerprintOf({ window, from, to, ...shape, limit: limit.value })
  const page = params.cursor === undefined ? firstPage(parsed.query.range) : pageOf(params, fingerprint)
  if (!page.ok) return page
  const { range, offset } = page.value
  return { ok: true, query: { ...parsed.query, range, ...shape, limit: limit.value, offset, fingerprint } }
}

/** What the store is asked for one page of a query. */
export function kpiRequestOf(query: KpiQuery): KpiRequest {
  const { range, by, filters, bucketing, sort, limit, offset } = query
  return { range, by, filters, bucketing, sort, limit, offset }
}

/** The cursor of the page after `rows` rows of this one, null after the last page. */
export function nextKpiCursor(query: KpiQuery, rows: number, more: boolean): string | null {
  if (!more) return null
  const { range, offset, fingerprint } = query
  return encodeCursor({ from: range.from, to: range.to, offset: offset + rows }, fingerprint)
}

type Page = ParamParse<{ range: TimeRange; offset: number }>

const firstPage = (range: TimeRange): Page => ({ ok: true, value: { range, offset: 0 } })

/**
 * The range and offset a cursor pins. Its range must be the one these
 * parameters give at the time it was issued (its `to`, the end of the minute
 * then): a hand-made range is refused like any malformed cursor.
 */
function pageOf(params: QueryParams, fingerprint: string): Page {
  const cursor = decodeCursor(params.cursor, fingerprint)
  if (!cursor.ok) return cursor
  const { from, to, offset } = cursor.value
  if (!isCount(from) || !isCount(to) || !isCount(offset) || to === 0) return malformedCursor()
  const then = parseRange(params, to - 1)
  if (!then.ok || then.query.range.from !== from || then.query.range.to !== to) return malformedCursor()
  return { ok: true, value: { range: then.query.range, offset } }
}

function parseBucketing(params: QueryParams): ParamParse<Bucketing | undefined> {
  const { bucket, tz = 'UTC' } = params
  if (bucket === undefined) {
    if (params.tz !== undefined)
      return { ok: false, error: 'tz: only meaningful with bucket=hour or bucket=day' }
    return { ok: true, value: undefined }
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
  return { ok: true, value: { unit: bucket, timeZone: tz } }
}

export type RangeParse =
  | { ok: true; query: Pick<KpiQuery, 'window' | 'range'> }
  | { ok: false; error: string }

/** `window` or `from`/`to` (the default: the last hour), as GET /v1/kpis reads them. */
export function parseRange(params: QueryParams, now: number): RangeParse {
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
