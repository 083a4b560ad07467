import type { FastifyInstance } from 'fastify'
import { nextCampaignCursor, parseCampaignQuery } from './campaign-query.ts'
import type { KpiReader } from './kpi-reader.ts'
import { campaignRowJson } from './kpi-row-json.ts'

/**
 * GET /v1/campaigns: the campaigns seen, with their ads and the event time of
 * their first and last event, a page at a time by (channel, campaign_id).
 */
export function registerCampaignRoutes(app: FastifyInstance, reader: Pick<KpiReader, 'campaigns'>): void {
  app.get('/v1/campaigns', async (request, reply) => {
    const parsed = parseCampaignQuery(request.query as Record<string, unknown>)
    if (!parsed.ok) return reply.code(400).send({ error: 'bad_request', message: parsed.error })
    const page = await reader.campaigns(parsed.value.request)
    return {
      campaigns: page.rows.map(campaignRowJson),
      next_cursor: nextCampaignCursor(parsed.value, page),
    }
  })
}
