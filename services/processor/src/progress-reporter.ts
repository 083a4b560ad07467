import type { PartitionProgressRow, ProgressStore } from '@adpulse/clickhouse'
import type { KafkaClient, PartitionProgress } from '@adpulse/kafka'
import type { Logger } from '@adpulse/observability'
import { repeatEvery } from '@adpulse/runtime'

export interface ProgressReporterDeps {
  kafka: Pick<KafkaClient, 'groupProgress'>
  store: Pick<ProgressStore, 'record' | 'partitions'>
  groupId: string
  topic: string
  intervalMs: number
  logger: Logger
  now?: () => number
}

/**
 * How far each partition is written, as an instant: when the group's committed
 * offset (committed only after ClickHouse acknowledged) reached the high
 * watermark read *after* that instant, every record the broker had acknowledged
 * before it is in ClickHouse. A partition without traffic is caught up at every
 * look, so it never holds the pipeline back.
 */
export function nextProgress(
  observed: readonly PartitionProgress[],
  previous: ReadonlyMap<number, number>,
  topic: string,
  observedAt: number,
): PartitionProgressRow[] {
  return observed.map((p) => {
    // No commit yet and nothing written: an empty partition is caught up.
    const caughtUp =
      p.committedOffset >= p.highWatermark || (p.committedOffset < 0n && p.highWatermark === 0n)
    return {
      topic,
      partition: p.partition,
      committedOffset: p.committedOffset,
      highWatermark: p.highWatermark,
      completeThrough: caughtUp ? observedAt : (previous.get(p.partition) ?? 0),
      updatedAt: observedAt,
    }
  })
}

/** Records the progress of the events topic every interval; any processor instance may run it. */
export async function startProgressReporter(deps: ProgressReporterDeps): Promise<{ stop(): Promise<void> }> {
  const now = deps.now ?? Date.now
  const log = deps.logger.child({ component: 'progress' })
  const last = new Map<number, number>()
  for (const row of await deps.store.partitions(deps.topic)) last.set(row.partition, row.completeThrough)

  const report = async () => {
    // The instant is taken before the offsets are read: see nextProgress.
    const observedAt = now()
    const observed = await deps.kafka.groupProgress(deps.groupId, deps.topic)
    const rows = nextProgress(observed, last, deps.topic, observedAt)
    await deps.store.record(rows)
    for (const row of rows) last.set(row.partition, row.completeThrough)
  }

  return repeatEvery(deps.intervalMs, report, (err) =>
    log.warn({ err }, 'progress not recorded; trying again'),
  )
}
