import type { CampaignListRequest, CampaignPage, KpiPage, KpiRequest } from '@adpulse/clickhouse'

/** What the query routes read: KpiStore in the service, an in-memory one in the route tests. */
export interface KpiReader {
  rows(request: KpiRequest): Promise<KpiPage>
  campaigns(request: CampaignListRequest): Promise<CampaignPage>
}
