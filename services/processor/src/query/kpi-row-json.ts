import type { CampaignRow, KpiRow } from '@adpulse/clickhouse'
import {
  actionKpisByName,
  DIMENSION_FIELDS,
  type Dimension,
  deriveEngagementKpis,
  deriveKpis,
} from '@adpulse/kpi'

const iso = (ms: number) => new Date(ms).toISOString()

/**
 * One row of GET /v1/kpis: bucket_start (with bucketing) and the keys of `by`,
 * the sums, the derived KPIs, then `actions`. Money as strings of integer micros.
 */
export function kpiRowJson(row: KpiRow, by: readonly Dimension[]) {
  const keys = Object.fromEntries(by.map((d) => [DIMENSION_FIELDS[d], row[DIMENSION_FIELDS[d]] ?? null]))
  return {
    ...(row.bucket_start === undefined ? {} : { bucket_start: iso(row.bucket_start) }),
    ...keys,
    impressions: row.impressions,
    clicks: row.clicks,
    engagements: row.engagements,
    conversions: row.conversions,
    spend_micros: row.spend_micros.toString(),
    revenue_micros: row.revenue_micros.toString(),
    attributed_conversions: row.attributed_conversions ?? 0,
    attributed_revenue_micros: (row.attributed_revenue_micros ?? 0n).toString(),
    ...deriveKpis(row),
    ...deriveEngagementKpis(row),
    actions: actionKpisByName(row.spend_micros, row.actions),
  }
}

/** One campaign of GET /v1/campaigns, its event times as RFC 3339 instants. */
export function campaignRowJson(row: CampaignRow) {
  return {
    channel: row.channel,
    campaign_id: row.campaign_id,
    ads: row.ads,
    first_event_at: iso(row.first_event_at),
    last_event_at: iso(row.last_event_at),
  }
}
