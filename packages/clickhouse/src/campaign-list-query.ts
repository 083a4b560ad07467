import type { CampaignListRequest } from './kpi-request.ts'
import type { BoundQuery } from './kpi-rows-query.ts'

/**
 * The campaigns kpi_buckets holds, with their ads and the event time of their
 * first and last event, one page after the (channel, campaign_id) of the last
 * row of the previous page (keyset paging: a page costs the same however deep).
 * One row more than the page, so `more` is known. Buckets of versions before
 * kpi_buckets kept events' times (imported, or upgraded and not rebuilt) count
 * their minute as both times.
 */
export function campaignsQuery(database: string, request: CampaignListRequest): BoundQuery {
  const where: string[] = []
  const params: Record<string, unknown> = { limit: request.limit + 1 }
  if (request.channel !== undefined) {
    where.push('channel = {channel:String}')
    params.channel = request.channel
  }
  if (request.after !== undefined) {
    // The first condition alone is what the primary index can skip by.
    where.push(
      'channel >= {after_channel:String}',
      '(channel, campaign_id) > ({after_channel:String}, {after_campaign:String})',
    )
    params.after_channel = request.after.channel
    params.after_campaign = request.after.campaign_id
  }
  const query = `SELECT channel, campaign_id, arraySort(groupUniqArrayIf(ad_id, ad_id != '')) AS ads,
      toUnixTimestamp64Milli(min(first_event_at)) AS first_ms, toUnixTimestamp64Milli(max(last_event_at)) AS last_ms
    FROM ${database}.kpi_buckets
    ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
    GROUP BY channel, campaign_id
    ORDER BY channel, campaign_id
    LIMIT {limit:UInt64}`
  return { query, params }
}
