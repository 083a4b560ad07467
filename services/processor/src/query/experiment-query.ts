import { DEFAULT_CONTRACT, type EventContract } from '@adpulse/events'
import { EXPERIMENT_METRICS, type ExperimentMetric, MIN_LIFT_RANGE } from '@adpulse/experiments'
import type { KpiFilters, TimeRange } from '@adpulse/kpi'
import { parseRange } from './kpi-query.ts'
import { decodeCursor, encodeCursor, fingerprintOf, isCount, malformedCursor } from './page-cursor.ts'
import {
  type ParamParse,
  parseFilterValue,
  parseLimit,
  type QueryParams,
  unknownParameters,
} from './query-params.ts'

/** A campaign's key: the same campaign id under two channels is two campaigns. */
export interface CampaignKey {
  channel: string
  campaign_id: string
}

export interface ExperimentQuery {
  /** The named window, or null when from/to were given. */
  window: string | null
  /** The range of the first page: a cursor pins it, so a rolling window stands still while paging. */
  range: TimeRange
  filters: Pick<KpiFilters, 'channel' | 'campaign_id'>
  metric: ExperimentMetric
  confidence: number
  /** The smallest lift the test is tuned to find (`min_lift`); undefined: the default prior. */
  minLift: number | undefined
  /** Campaigns per page. */
  limit: number
  /** The last campaign of the previous page. */
  after: CampaignKey | undefined
  fingerprint: string
}

/** Every parameter GET /v1/experiments reads; any other is a 400. */
export const EXPERIMENT_PARAMETERS = [
  'window',
  'from',
  'to',
  'channel',
  'campaign_id',
  'metric',
  'confidence',
  'min_lift',
  'limit',
  'cursor',
] as const

export const DEFAULT_EXPERIMENT_CONFIDENCE = 0.95

/**
 * Reads `window=15m|1h|24h|7d` or `from`/`to` (as GET /v1/kpis), `channel` and
 * `campaign_id` (optional filters), `metric=ctr|cvr|revenue_per_impression`
 * (default ctr), `confidence` (0.5-0.999, default 0.95), `min_lift` (the
 * smallest relative lift to find, 0.01-10: tunes the test, split-tuning.ts), `limit` (campaigns
 * per page, 1-1000, default 100) and the `cursor` of a previous page.
 */
export function parseExperimentQuery(
  params: QueryParams,
  now: number,
  contract: Pick<EventContract, 'maxIdLength' | 'maxActionLength'> = DEFAULT_CONTRACT,
): ParamParse<ExperimentQuery> {
  const unknown = unknownParameters(params, EXPERIMENT_PARAMETERS)
  if (unknown !== null) return { ok: false, error: unknown }
  const parsed = parseRange(params, now)
  if (!parsed.ok) return parsed
  const filters: ExperimentQuery['filters'] = {}
  for (const name of ['channel', 'campaign_id'] as const) {
    if (params[name] === undefined) continue
    const value = parseFilterValue(name, params[name], contract)
    if (!value.ok) return value
    filters[name] = value.value
  }
  const metric = parseMetric(params.metric)
  if (!metric.ok) return metric
  const confidence = parseConfidence(params.confidence)
  if (!confidence.ok) return confidence
  const minLift = parseMinLift(params.min_lift)
  if (!minLift.ok) return minLift
  const limit = parseLimit(params.limit)
  if (!limit.ok) return limit
  const { window = null, from = null, to = null } = params
  const shape = {
    filters,
    metric: metric.value,
    confidence: confidence.value,
    minLift: minLift.value,
    limit: limit.value,
  }
  const fingerprint = fingerprintOf({ window, from, to, ...shape })
  const first = { ...parsed.query, ...shape, after: undefined, fingerprint }
  if (params.cursor === undefined) return { ok: true, value: first }
  const cursor = decodeCursor(params.cursor, fingerprint)
  if (!cursor.ok) return cursor
  const { from: pinnedFrom, to: pinnedTo, channel, campaign_id } = cursor.value
  if (!isCount(pinnedFrom) || !isCount(pinnedTo) || pinnedTo === 0) return malformedCursor()
  if (typeof channel !== 'string' || typeof campaign_id !== 'string') return malformedCursor()
  const then = parseRange(params, pinnedTo - 1)
  if (!then.ok || then.query.range.from !== pinnedFrom || then.query.range.to !== pinnedTo)
    return malformedCursor()
  return { ok: true, value: { ...first, range: then.query.range, after: { channel, campaign_id } } }
}

/** The cursor after `last`, null after the last page. */
export function nextExperimentCursor(
  query: ExperimentQuery,
  last: CampaignKey | undefined,
  more: boolean,
): string | null {
  if (!more || last === undefined) return null
  const { range } = query
  return encodeCursor(
    { from: range.from, to: range.to, channel: last.channel, campaign_id: last.campaign_id },
    query.fingerprint,
  )
}

function parseMetric(raw: unknown): ParamParse<ExperimentMetric> {
  if (raw === undefined) return { ok: true, value: 'ctr' }
  if (typeof raw === 'string' && (EXPERIMENT_METRICS as readonly string[]).includes(raw))
    return { ok: true, value: raw as ExperimentMetric }
  return {
    ok: false,
    error: `metric: expected one of ${EXPERIMENT_METRICS.join(', ')}, got ${JSON.stringify(raw)}`,
  }
}

function parseConfidence(raw: unknown): ParamParse<number> {
  if (raw === undefined) return { ok: true, value: DEFAULT_EXPERIMENT_CONFIDENCE }
  const value = typeof raw === 'string' && /^0\.\d{1,4}$/.test(raw) ? Number(raw) : Number.NaN
  if (!(value >= 0.5 && value <= 0.999))
    return { ok: false, error: `confidence: expected a number 0.5-0.999, got ${JSON.stringify(raw)}` }
  return { ok: true, value }
}

function parseMinLift(raw: unknown): ParamParse<number | undefined> {
  if (raw === undefined) return { ok: true, value: undefined }
  const value = typeof raw === 'string' && /^\d{1,2}(\.\d{1,4})?$/.test(raw) ? Number(raw) : Number.NaN
  const { low, high } = MIN_LIFT_RANGE
  if (!(value >= low && value <= high))
    return {
      ok: false,
      error: `min_lift: expected a relative lift ${low}-${high} (0.1: 10 %), got ${JSON.stringify(raw)}`,
    }
  return { ok: true, value }
}
