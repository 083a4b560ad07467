import type { AttributionFigures, AttributionStore, AttributionSummaryRow } from '@adpulse/clickhouse'
import type { FastifyInstance } from 'fastify'
import { parseRange } from './kpi-query.ts'
import { unknownParameters } from './query-params.ts'

const PARAMETERS = ['window', 'from', 'to'] as const

/**
 * GET /v1/attribution: the conversions with a click_id that occurred in a window
 * (read as /v1/kpis reads it), matched to a click, still waiting for one, or
 * unattributed, with their revenue; in total and per channel they are credited
 * to (a waiting one under the channel it reported, '' for a postback with only
 * a click_id). docs/attribution.md.
 */
export function registerAttributionRoutes(
  app: FastifyInstance,
  store: Pick<AttributionStore, 'summary'>,
  now: () => number = Date.now,
): void {
  app.get('/v1/attribution', async (request, reply) => {
    const params = request.query as Record<string, unknown>
    const unknown = unknownParameters(params, PARAMETERS)
    const parsed = parseRange(params, now())
    const error = unknown ?? (parsed.ok ? null : parsed.error)
    if (error !== null || !parsed.ok) return reply.code(400).send({ error: 'bad_request', message: error })
    const { window, range } = parsed.query
    const channels = await store.summary(range.from, range.to)
    return {
      window,
      from: new Date(range.from).toISOString(),
      to: new Date(range.to).toISOString(),
      matched: total(channels, 'matched'),
      waiting: total(channels, 'waiting'),
      unattributed: total(channels, 'unattributed'),
      channels,
    }
  })
}

function total(
  rows: readonly AttributionSummaryRow[],
  state: 'matched' | 'waiting' | 'unattributed',
): AttributionFigures {
  return {
    conversions: rows.reduce((n, r) => n + r[state].conversions, 0),
    revenue_micros: rows.reduce((n, r) => n + BigInt(r[state].revenue_micros), 0n).toString(),
  }
}
