import type { KpiStore } from '@adpulse/clickhouse'
import { deriveKpis } from '@adpulse/kpi'
import type { FastifyInstance } from 'fastify'
import { parseKpiQuery } from './kpi-query.ts'

/** GET /v1/kpis: sums and derived KPIs per channel (or campaign) over a window. Money as strings of micros. */
export function registerKpiRoutes(app: FastifyInstance, store: KpiStore, now: () => number = Date.now): void {
  app.get('/v1/kpis', async (request, reply) => {
    const parsed = parseKpiQuery(request.query as Record<string, unknown>, now())
    if (!parsed.ok) return reply.code(400).send({ error: 'bad_request', message: parsed.error })
    const { window, range, by, bucketing } = parsed.query
    const sums = await store.sums(range, by, bucketing)
    return {
      window,
      from: new Date(range.from).toISOString(),
      to: new Date(range.to).toISOString(),
      ...(bucketing ? { bucket: bucketing.unit, tz: bucketing.timeZone } : {}),
      rows: sums.map((row) => ({
        ...(row.bucket_start === undefined ? {} : { bucket_start: new Date(row.bucket_start).toISOString() }),
        channel: row.channel,
        ...(by === 'campaign' ? { campaign_id: row.campaign_id } : {}),
        impressions: row.impressions,
        clicks: row.clicks,
        conversions: row.conversions,
        spend_micros: row.spend_micros.toString(),
        revenue_micros: row.revenue_micros.toString(),
        ...deriveKpis(row),
      })),
    }
  })
}
