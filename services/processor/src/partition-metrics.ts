import type { IncomingBatch, PartitionAssignment } from '@adpulse/kafka'
import { Gauge, type Registry } from '@adpulse/observability'

/**
 * The series kept per partition (consumer lag, newest event time), and their
 * removal when the group moves a partition to another instance: a partition
 * this instance no longer reads must not keep reporting its last lag.
 */
export class PartitionMetrics {
  private readonly lag: Gauge<'topic' | 'partition'>
  private readonly newest: Gauge<'topic' | 'partition'>
  /** Newest event time per partition (ms), and the labels of every partition with series. */
  private readonly newestMs = new Map<string, number>()
  private readonly partitions = new Map<string, { topic: string; partition: string }>()

  constructor(registry: Registry) {
    this.lag = new Gauge({
      name: 'adpulse_processor_consumer_lag_messages',
      help: 'Records of a partition not yet committed by this processor: high watermark minus the next offset to commit.',
      labelNames: ['topic', 'partition'],
      registers: [registry],
    })
    this.newest = new Gauge({
      name: 'adpulse_processor_newest_event_timestamp_seconds',
      help: 'Event time (occurred_at) of the newest event written to ClickHouse, per partition, Unix seconds. Freshness is time() minus it.',
      labelNames: ['topic', 'partition'],
      registers: [registry],
    })
  }

  /** A batch arrived: the lag counts from its first record. */
  fetched(batch: IncomingBatch): void {
    const first = batch.messages[0]
    if (first) this.lag.set(this.labelsOf(batch.topic, batch.partition), lagAfter(batch, first.offset))
  }

  /** A batch is written: the lag counts from after its last record; the newest event time may move on. */
  written(batch: IncomingBatch, newestEventMs: number): void {
    const last = batch.messages[batch.messages.length - 1]
    if (!last) return
    const labels = this.labelsOf(batch.topic, batch.partition)
    this.lag.set(labels, lagAfter(batch, (BigInt(last.offset) + 1n).toString()))
    const key = `${batch.topic}/${batch.partition}`
    const newestInBatch = Math.max(this.newestMs.get(key) ?? Number.NEGATIVE_INFINITY, newestEventMs)
    if (Number.isFinite(newestInBatch)) {
      this.newestMs.set(key, newestInBatch)
      this.newest.set(labels, newestInBatch / 1000)
    }
  }

  /** Drops the series of every partition the new assignment does not give this instance. */
  assigned(assignment: PartitionAssignment): void {
    const kept = new Set(
      assignment.flatMap(({ topic, partitions }) => partitions.map((p) => `${topic}/${p}`)),
    )
    for (const [key, labels] of this.partitions) {
      if (kept.has(key)) continue
      this.lag.remove(labels)
      this.newest.remove(labels)
      this.newestMs.delete(key)
      this.partitions.delete(key)
    }
  }

  private labelsOf(topic: string, partition: number) {
    const labels = { topic, partition: String(partition) }
    this.partitions.set(`${topic}/${partition}`, labels)
    return labels
  }
}

const lagAfter = (batch: IncomingBatch, nextOffset: string) =>
  Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(nextOffset)))
