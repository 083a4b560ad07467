import { type ProgressStore, topicCompleteThrough } from '@adpulse/clickhouse'
import type { FastifyInstance } from 'fastify'

/**
 * GET /v1/freshness: how far the events topic is written to ClickHouse, per
 * partition and for the whole topic (the oldest partition), as RFC 3339 instants.
 */
export function registerFreshnessRoutes(
  app: FastifyInstance,
  store: ProgressStore,
  topic: string,
  now: () => number = Date.now,
): void {
  app.get('/v1/freshness', async () => {
    const partitions = await store.partitions(topic)
    const through = topicCompleteThrough(partitions)
    const iso = (ms: number) => new Date(ms).toISOString()
    return {
      topic,
      complete_through: through === null ? null : iso(through),
      lag_seconds: through === null ? null : Math.max(0, (now() - through) / 1000),
      partitions: partitions.map((p) => ({
        partition: p.partition,
        committed_offset: p.committedOffset.toString(),
        high_watermark: p.highWatermark.toString(),
        complete_through: iso(p.completeThrough),
        updated_at: iso(p.updatedAt),
      })),
    }
  })
}
