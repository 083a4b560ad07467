import type { EventContract } from '@adpulse/events'
import type { FastifyInstance } from 'fastify'
import { kpiRequestOf, nextKpiCursor, parseKpiQuery } from './kpi-query.ts'
import type { KpiReader } from './kpi-reader.ts'
import { kpiRowJson } from './kpi-row-json.ts'

/**
 * GET /v1/kpis: sums and derived KPIs over a window, grouped by any of channel,
 * campaign, ad, action and source, filtered, sorted and paged (kpi-query.ts).
 * Money as strings of micros.
 */
export function registerKpiRoutes(
  app: FastifyInstance,
  reader: Pick<KpiReader, 'rows'>,
  contract?: Pick<EventContract, 'maxIdLength' | 'maxActionLength'>,
  now: () => number = Date.now,
): void {
  app.get('/v1/kpis', async (request, reply) => {
    const parsed = parseKpiQuery(request.query as Record<string, unknown>, now(), contract)
    if (!parsed.ok) return reply.code(400).send({ error: 'bad_request', message: parsed.error })
    const { query } = parsed
    const { window, range, by, bucketing } = query
    const page = await reader.rows(kpiRequestOf(query))
    return {
      window,
      from: new Date(range.from).toISOString(),
      to: new Date(range.to).toISOString(),
      ...(bucketing ? { bucket: bucketing.unit, tz: bucketing.timeZone } : {}),
      rows: page.rows.map((row) => kpiRowJson(row, by)),
      next_cursor: nextKpiCursor(query, page.rows.length, page.more),
    }
  })
}
