import type { SignalStore } from '@adpulse/clickhouse'
import type { FastifyInstance } from 'fastify'
import type { AlerterStatus } from './alerter.ts'

/** GET /v1/signals?limit=N: the alerter's status (ok, stale, standby) and the most recent signals, newest first. */
export function registerSignalRoutes(
  app: FastifyInstance,
  store: SignalStore,
  status: () => AlerterStatus,
): void {
  app.get('/v1/signals', async (request, reply) => {
    const raw = (request.query as Record<string, unknown>).limit ?? '100'
    const limit = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      return reply.code(400).send({
        error: 'bad_request',
        message: `limit: expected an integer 1-1000, got ${JSON.stringify(raw)}`,
      })
    }
    return { status: status(), signals: await store.recent(limit) }
  })
}
