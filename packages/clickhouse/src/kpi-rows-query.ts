import { DIMENSION_FIELDS, type KpiSort, type SortableKpi } from '@adpulse/kpi'
import type { KpiRequest } from './kpi-request.ts'
import type { Bucketing } from './kpi-store.ts'

/** A query and the values of its `{name:Type}` parameters: user input only ever travels as the latter. */
export interface BoundQuery {
  query: string
  params: Record<string, unknown>
}

/** A key field of kpi_buckets a row can carry (DIMENSION_FIELDS). */
type KeyField = (typeof DIMENSION_FIELDS)[keyof typeof DIMENSION_FIELDS]

/** The row's key fields, in DIMENSIONS order (the order `by` comes in, and the order ties are broken in). */
export function keyFieldsOf(request: KpiRequest): KeyField[] {
  if (request.by.length === 0) throw new Error('a KPI request groups by at least one dimension')
  return request.by.map((dimension) => {
    if (!Object.hasOwn(DIMENSION_FIELDS, dimension)) throw new Error(`not a dimension: ${dimension}`)
    return DIMENSION_FIELDS[dimension]
  })
}

/** A ratio of two sums as a double, as deriveKpis computes it; NULL on a zero denominator. */
const ratio = (numerator: string, denominator: string): string =>
  `if(${denominator} = 0, NULL, toFloat64(${numerator}) / toFloat64(${denominator}))`
/** Money per unit in integer micros rounded half up, as divideMicros computes it; NULL on a zero denominator. */
const micros = (numerator: string, denominator: string): string =>
  `if(${denominator} = 0, NULL, intDiv(${numerator} * 2 + ${denominator}, ${denominator} * 2))`

/** Each sortable KPI over a row's sums (the columns of the row level of rowsQuery). */
const SORT_EXPRESSIONS: Record<SortableKpi, string> = {
  impressions: 'impressions',
  clicks: 'clicks',
  engagements: 'engagements',
  conversions: 'conversions',
  spend_micros: 'spend',
  revenue_micros: 'revenue',
  ctr: ratio('clicks', 'impressions'),
  cvr: ratio('conversions', 'clicks'),
  engagement_rate: ratio('engagements', 'impressions'),
  cpc_micros: micros('spend', 'clicks'),
  cpm_micros: micros('spend * 1000', 'impressions'),
  cpa_micros: micros('spend', 'conversions'),
  cpe_micros: micros('spend', 'engagements'),
  roas: ratio('revenue', 'spend'),
  roi: ratio('revenue - spend', 'spend'),
}

/** ORDER BY: the KPI (NULLs last either way), then bucket_start and the keys ascending. */
function orderBy(keys: readonly string[], sort: KpiSort | undefined): string {
  const tieBreak = keys.join(', ')
  if (sort === undefined) return tieBreak
  if (!Object.hasOwn(SORT_EXPRESSIONS, sort.kpi)) throw new Error(`not a sortable KPI: ${sort.kpi}`)
  return `${SORT_EXPRESSIONS[sort.kpi]} ${sort.order === 'asc' ? 'ASC' : 'DESC'} NULLS LAST, ${tieBreak}`
}

/** The largest page ranked first: its keys travel as a constant IN set of parameters, which stays small. */
export const RANKED_PAGE_MAX = 1000

/**
 * Whether KpiStore.rows ranks the page's keys first (rankedKeysQuery, then
 * rowsQuery of those keys): a sort (every sortable KPI is one of the row's
 * sums or derived from them), rows neither split by action nor bucketed (a
 * row is one key of kpi_buckets' own columns), and a small page.
 */
export function ranksKeysFirst(request: KpiRequest): boolean {
  return (
    request.sort !== undefined &&
    request.bucketing === undefined &&
    !keyFieldsOf(request).includes('action') &&
    request.limit + 1 <= RANKED_PAGE_MAX
  )
}

/** The window and the filters as WHERE conditions, with their parameters (every value bound, never in the text). */
function windowAndFilters(request: KpiRequest): { where: string[]; params: Record<string, unknown> } {
  const params: Record<string, unknown> = {
    from: Math.floor(request.range.from / 1000),
    to: Math.floor(request.range.to / 1000),
    limit: request.limit + 1,
    offset: request.offset,
  }
  const where = ["minute >= toDateTime({from:UInt32}, 'UTC')", "minute < toDateTime({to:UInt32}, 'UTC')"]
  // The fields come from DIMENSION_FIELDS, never from the request: only values are the caller's.
  for (const field of Object.values(DIMENSION_FIELDS)) {
    const value = request.filters[field]
    if (value === undefined) continue
    params[`f_${field}`] = value
    // The action filter restricts the outcomes, not the buckets read (their spend counts).
    if (field !== 'action') where.push(`${field} = {f_${field}:String}`)
  }
  return { where, params }
}

/**
 * The keys of a page (ranksKeysFirst), in order, one more than the page: the
 * row totals alone, kpi_buckets summed per key WITHOUT the action dimension
 * (grouping by action is most of the full query's cost), sorted and paged as
 * the rows are. Its sums are those the rows sort on (same columns, the same
 * action filter, the same types), so the order and its ties are the same.
 * kpi_buckets is ordered by the keys first (channel, campaign_id), so the
 * grouping runs in that order, without a hash table of every key.
 */
export function rankedKeysQuery(database: string, request: KpiRequest): BoundQuery {
  const keys = keyFieldsOf(request)
  const { where, params } = windowAndFilters(request)
  const picked = request.filters.action === undefined ? '' : 'If'
  const onPicked = (column: string) =>
    `sum${picked}(${column}${picked ? ', action = {f_action:String}' : ''})`
  const totals = `SELECT ${keys.join(', ')}, sum(impressions) AS rank_impressions, sum(clicks) AS rank_clicks,
      sum(spend_micros) AS rank_spend, ${onPicked('conversions')} AS rank_conversions,
      ${onPicked('engagements')} AS rank_engagements, ${onPicked('revenue_micros')} AS rank_revenue
    FROM ${database}.kpi_buckets
    WHERE ${where.join(' AND ')}
    GROUP BY ${keys.join(', ')}`
  const named = `SELECT ${keys.join(', ')}, rank_impressions AS impressions, rank_clicks AS clicks,
      rank_spend AS spend, rank_conversions AS conversions, rank_engagements AS engagements, rank_revenue AS revenue
    FROM (${totals})`
  const query = `SELECT ${keys.join(', ')} FROM (${named})
    ORDER BY ${orderBy(keys, request.sort)}
    LIMIT {limit:UInt64} OFFSET {offset:UInt64}
    SETTINGS optimize_aggregation_in_order = 1`
  return { query, params }
}

/** A page's keys (rankedKeysQuery's rows) as a constant IN set, each value a parameter; none: false. */
function pageKeysIn(
  keys: readonly string[],
  page: readonly (readonly string[])[],
  params: Record<string, unknown>,
) {
  if (page.length === 0) return '0'
  const tuples = page.map((row, i) => {
    if (row.length !== keys.length)
      throw new Error(`a page key of ${row.length} values for ${keys.length} keys`)
    const values = row.map((value, j) => {
      params[`k${i}_${j}`] = value
      return `{k${i}_${j}:String}`
    })
    return `(${values.join(', ')})`
  })
  return `(${keys.join(', ')}) IN (${tuples.join(', ')})`
}

const bucketStartOf = (bucketing: Bucketing): string =>
  `toUnixTimestamp(toStartOf${bucketing.unit === 'day' ? 'Day' : 'Hour'}(minute, {tz:String})) AS bucket_start`

/**
 * One page of KPI rows (KpiStore.rows), in four levels:
 * 1. kpi_buckets summed per bucket_start, the row's other keys and action;
 * 2. summed per bucket_start and other keys: impressions, clicks and spend over
 *    every action, outcomes over the filtered action (or all), and the outcomes
 *    of each action as a sorted array;
 * 3. the rows: one per level-2 group, or with `action` in `by` (and no action
 *    filter) one per element of that array (ARRAY JOIN), its outcomes those of
 *    its action, its impressions, clicks and spend those of its group;
 * 4. money as strings, sorted, one more row than the page (so `more` is known).
 * With `page`, the keys rankedKeysQuery answered for the request, it reads
 * only those keys' buckets: the same rows as without (the tests compare them).
 * Inner aliases differ from the columns they sum: an alias named like a column
 * would be substituted into its own sum.
 */
export function rowsQuery(
  database: string,
  request: KpiRequest,
  page?: readonly (readonly string[])[],
): BoundQuery {
  const { bucketing, filters } = request
  const keys = keyFieldsOf(request)
  const others = keys.filter((k) => k !== 'action')
  const groups = [...(bucketing ? ['bucket_start'] : []), ...others]
  const { where, params } = windowAndFilters(request)
  if (bucketing) params.tz = bucketing.timeZone
  // The page's keys, ranked first, restrict what is read (kpi_buckets is ordered
  // by channel, campaign_id first) and are the page already: no offset.
  if (page !== undefined) {
    if (!ranksKeysFirst(request)) throw new Error('only a page of ranksKeysFirst is read by its keys')
    where.push(pageKeysIn(keys, page, params))
  }
  const picked = filters.action === undefined ? '1' : 'a = {f_action:String}'
  const perAction = `SELECT ${[...(bucketing ? [bucketStartOf(bucketing)] : []), ...others, 'action AS a'].join(', ')},
      sum(impressions) AS i, sum(clicks) AS c, sum(spend_micros) AS s,
      sum(conversions) AS cv, sum(engagements) AS e, sum(revenue_micros) AS r,
      sum(attributed_conversions) AS ac, sum(attributed_revenue_micros) AS ar
    FROM ${database}.kpi_buckets
    WHERE ${where.join(' AND ')}
    GROUP BY ${[...groups, 'a'].join(', ')}`
  const perGroup = `SELECT ${[...groups, ''].join(', ')}
      sum(i) AS group_impressions, sum(c) AS group_clicks, sum(s) AS group_spend,
      sumIf(cv, ${picked}) AS group_conversions, sumIf(e, ${picked}) AS group_engagements,
      sumIf(r, ${picked}) AS group_revenue, sumIf(ac, ${picked}) AS group_attributed,
      sumIf(ar, ${picked}) AS group_attributed_revenue,
      arraySort(groupArrayIf((a, cv, e, r, ac, ar), a != '' AND ${picked})) AS group_actions
    FROM (${perAction})
    GROUP BY ${groups.length === 0 ? 'tuple()' : groups.join(', ')}
    HAVING count() > 0`
  const splitByAction = keys.includes('action') && filters.action === undefined
  const outcomes = splitByAction
    ? `act.1 AS action, act.2 AS conversions, act.3 AS engagements, act.4 AS revenue, [act] AS actions,
      act.5 AS attributed, act.6 AS attributed_revenue`
    : `${keys.includes('action') ? '{f_action:String} AS action, ' : ''}group_conversions AS conversions,
      group_engagements AS engagements, group_revenue AS revenue, group_actions AS actions,
      group_attributed AS attributed, group_attributed_revenue AS attributed_revenue`
  const rows = `SELECT ${[...groups, ''].join(', ')}
      group_impressions AS impressions, group_clicks AS clicks, group_spend AS spend, ${outcomes}
    FROM (${perGroup})${splitByAction ? ' ARRAY JOIN group_actions AS act' : ''}`
  const outKeys = [...(bucketing ? ['bucket_start'] : []), ...keys]
  const query = `SELECT ${[...outKeys, ''].join(', ')} impressions, clicks, engagements, conversions,
      toString(spend) AS spend_micros, toString(revenue) AS revenue_micros,
      attributed AS attributed_conversions, toString(attributed_revenue) AS attributed_revenue_micros,
      arrayMap(x -> [toString(x.1), toString(x.2), toString(x.3), toString(x.4)], actions) AS action_sums
    FROM (${rows})
    ORDER BY ${orderBy(outKeys, request.sort)}
    LIMIT {limit:UInt64}${page !== undefined ? '' : ' OFFSET {offset:UInt64}'}`
  return { query, params }
}
