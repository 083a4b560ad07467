import type { EventContract } from '@adpulse/events'
import {
  DIMENSION_FIELDS,
  DIMENSIONS,
  type Dimension,
  type KpiFilters,
  type KpiSort,
  SORTABLE_KPIS,
  type SortableKpi,
} from '@adpulse/kpi'
import { type ParamParse, parseFilterValue, type QueryParams } from './query-params.ts'

/**
 * The dimensions a dimension is read within: a campaign id names a campaign of
 * its channel (signals are keyed channel/campaign_id), an ad one of its
 * campaign. So `by=campaign` rows carry their channel, as they always have,
 * and `by=ad` rows their channel and campaign.
 */
const ENCLOSING: Readonly<Record<Dimension, readonly Dimension[]>> = {
  channel: [],
  campaign: ['channel'],
  ad: ['channel', 'campaign'],
  action: [],
  source: [],
}

const BY_EXPECTED = `a comma list of ${DIMENSIONS.join(', ')}, each at most once`

/**
 * `by`: a comma list of DIMENSIONS, `channel` when absent; each once. The
 * answer is in DIMENSIONS order with the enclosing dimensions added (ENCLOSING).
 */
export function parseBy(raw: unknown): ParamParse<Dimension[]> {
  if (raw === undefined) return { ok: true, value: ['channel'] }
  const names = typeof raw === 'string' ? raw.split(',') : []
  const given = new Set<Dimension>()
  for (const name of names) {
    const dimension = DIMENSIONS.find((d) => d === name)
    if (dimension === undefined || given.has(dimension)) {
      return { ok: false, error: `by: expected ${BY_EXPECTED}, got ${JSON.stringify(raw)}` }
    }
    given.add(dimension)
  }
  if (given.size === 0) return { ok: false, error: `by: expected ${BY_EXPECTED}, got ${JSON.stringify(raw)}` }
  const wanted = new Set([...given].flatMap((d) => [d, ...ENCLOSING[d]]))
  return { ok: true, value: DIMENSIONS.filter((d) => wanted.has(d)) }
}

/** The filter parameters, one per dimension: `channel`, `campaign_id`, `ad_id`, `action`, `source`. */
export const FILTER_PARAMETERS = DIMENSIONS.map((d) => DIMENSION_FIELDS[d])

/** The filters given, each checked with its write-contract rule (parseFilterValue). */
export function parseFilters(
  params: QueryParams,
  contract: Pick<EventContract, 'maxIdLength' | 'maxActionLength'>,
): ParamParse<KpiFilters> {
  const filters: KpiFilters = {}
  for (const name of FILTER_PARAMETERS) {
    if (params[name] === undefined) continue
    const value = parseFilterValue(name, params[name], contract)
    if (!value.ok) return value
    filters[name] = value.value
  }
  return { ok: true, value: filters }
}

/** `sort` (any SORTABLE_KPIS) with `order=asc|desc`, desc by default; `order` alone is a mistake. */
export function parseSort(params: QueryParams): ParamParse<KpiSort | undefined> {
  const { sort, order } = params
  if (sort === undefined) {
    if (order !== undefined) return { ok: false, error: 'order: only meaningful with sort=' }
    return { ok: true, value: undefined }
  }
  const kpi = SORTABLE_KPIS.find((k): k is SortableKpi => k === sort)
  if (kpi === undefined) {
    return {
      ok: false,
      error: `sort: expected one of ${SORTABLE_KPIS.join(', ')}, got ${JSON.stringify(sort)}`,
    }
  }
  if (order !== undefined && order !== 'asc' && order !== 'desc') {
    return { ok: false, error: `order: expected asc or desc, got ${JSON.stringify(order)}` }
  }
  return { ok: true, value: { kpi, order: order ?? 'desc' } }
}
