/**
 * What a KPI query can group by, filter on and sort on (GET /v1/kpis). One home
 * for these names: the query parser, the store's SQL and the docs read them here.
 */

/** `by=` values, in the order a row's keys are reported. */
export const DIMENSIONS = ['channel', 'campaign', 'ad', 'action', 'source'] as const
export type Dimension = (typeof DIMENSIONS)[number]

/** The column of kpi_buckets (and the field of a row) each dimension names. */
export const DIMENSION_FIELDS = {
  channel: 'channel',
  campaign: 'campaign_id',
  ad: 'ad_id',
  action: 'action',
  source: 'source',
} as const satisfies Record<Dimension, string>

/** `channel=`, `campaign_id=`, `ad_id=`, `action=`, `source=`: rows whose key equals the value. */
export type KpiFilters = Partial<Record<(typeof DIMENSION_FIELDS)[Dimension], string>>

/** The sums a row carries, then the derived KPIs: every one can be `sort=`. */
export const SORTABLE_KPIS = [
  'impressions',
  'clicks',
  'engagements',
  'conversions',
  'spend_micros',
  'revenue_micros',
  'ctr',
  'cvr',
  'engagement_rate',
  'cpc_micros',
  'cpm_micros',
  'cpa_micros',
  'cpe_micros',
  'roas',
  'roi',
] as const
export type SortableKpi = (typeof SORTABLE_KPIS)[number]

export interface KpiSort {
  kpi: SortableKpi
  order: 'asc' | 'desc'
}
