import type { Dimension, KpiFilters, KpiSort, TimeRange } from '@adpulse/kpi'
import type { Bucketing } from './kpi-store.ts'

/**
 * One page of GET /v1/kpis, as the store answers it (KpiStore.rows).
 *
 * Actions are a breakdown of outcomes, not of spend, as ad platforms report
 * "cost per lead": `action` in `by` or `filters` splits and restricts the
 * conversions, revenue and engagements of a row, while its impressions, clicks
 * and spend stay those of its other keys. So a `by=action` row's cpa_micros is
 * the spend of its other keys over that action's conversions.
 */
export interface KpiRequest {
  range: TimeRange
  /** Non-empty, each dimension once, in DIMENSIONS order. */
  by: readonly Dimension[]
  filters: KpiFilters
  bucketing?: Bucketing | undefined
  /** Absent: rows ordered by bucket_start then their keys, ascending. Ties are broken by the keys. */
  sort?: KpiSort | undefined
  /** At most this many rows, after skipping `offset` rows of the same order. */
  limit: number
  offset: number
}

/** One action's outcomes within a row (action '' — impressions, clicks — is not listed). */
export interface ActionSums {
  action: string
  conversions: number
  engagements: number
  revenue_micros: bigint
}

/** One row of a KpiRequest: its keys (only those of `by`), its sums and its actions. */
export interface KpiRow {
  /** Start of the hour or day bucket, epoch ms, when bucketing was asked for. */
  bucket_start?: number
  channel?: string
  campaign_id?: string
  /** '' for events without an ad. */
  ad_id?: string
  action?: string
  source?: string
  impressions: number
  clicks: number
  engagements: number
  conversions: number
  spend_micros: bigint
  revenue_micros: bigint
  /** Of its conversions and revenue, those credited to a click by attribution (docs/attribution.md); KpiStore sets both. */
  attributed_conversions?: number
  attributed_revenue_micros?: bigint
  /** The row's conversions and engagements per action, actions in ascending order. */
  actions: ActionSums[]
}

export interface KpiPage {
  rows: KpiRow[]
  /** Whether rows follow this page. */
  more: boolean
}

/** GET /v1/campaigns: the campaigns seen, keyset-paged by (channel, campaign_id). */
export interface CampaignListRequest {
  channel?: string | undefined
  limit: number
  /** The last (channel, campaign_id) of the previous page. */
  after?: { channel: string; campaign_id: string } | undefined
}

export interface CampaignRow {
  channel: string
  campaign_id: string
  /** The ads seen in the campaign, ascending, '' excluded. */
  ads: string[]
  /** Event time of its first and last event, epoch ms. */
  first_event_at: number
  last_event_at: number
}

export interface CampaignPage {
  rows: CampaignRow[]
  more: boolean
}
