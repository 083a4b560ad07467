import type { ClickHouseErrorKind } from '@adpulse/clickhouse'
import type { DeadLetterReason } from '@adpulse/events'
import type { IncomingBatch, PartitionAssignment } from '@adpulse/kafka'
import { Counter, deadLetterCounter, Histogram, type Registry } from '@adpulse/observability'
import { type ChannelSums, createChannelMetrics } from './channel-metrics.ts'
import { PartitionMetrics } from './partition-metrics.ts'

/** What the processor tells Prometheus, at the three moments of a batch. */
export interface ProcessorMetrics {
  /** A batch arrived: its records and everything after them are not committed yet. */
  fetched(batch: IncomingBatch): void
  /** A batch is in ClickHouse (and its poison on the dead-letter topic); its offsets are committed next. */
  written(batch: IncomingBatch, result: WrittenBatch): void
  /** The group reassigned partitions: forget the ones this instance no longer reads. */
  assigned(assignment: PartitionAssignment): void
  flushTimer(): () => void
  /** A ClickHouse write failed or timed out and is retried with the same rows and token. */
  writeRetried(): void
  /** A ClickHouse write failed: retriable (retried with backoff) or permanent (refused until an operator acts). */
  clickHouseError(kind: ClickHouseErrorKind): void
  /** The capped dedup window asked events_raw about ids it may have forgotten (one query). */
  dedupLookup(): void
}

export interface WrittenBatch {
  /** How many events were written to ClickHouse (repeats and skipped replays excluded). */
  counted: number
  /** The newest event time (occurred_at, ms) among them; -Infinity when none. */
  newestEventMs: number
  /** Their sums per channel. */
  channels: readonly ChannelSums[]
  /** The dead-letter reason of each record not counted (poison, invalid, too late, too far in the future, missing rate). */
  poison: readonly DeadLetterReason[]
  /** Repeats of an event_id within the dedup horizon, dropped. */
  duplicates: number
}

/** Reasons the processor sends a record to the dead-letter topic (as in the record's `reason`). */
const DEAD_LETTER_REASONS: readonly DeadLetterReason[] = [
  'poison_record',
  'invalid_event',
  'too_late',
  'too_far_in_future',
  'missing_rate',
]

export function createProcessorMetrics(registry: Registry, maxChannels: number): ProcessorMetrics {
  const processed = new Counter({
    name: 'adpulse_processor_events_total',
    help: 'Records of the events topic handled, by outcome (counted, poison).',
    labelNames: ['outcome'],
    registers: [registry],
  })
  for (const outcome of ['counted', 'poison']) processed.inc({ outcome }, 0)
  const flushSeconds = new Histogram({
    name: 'adpulse_processor_flush_duration_seconds',
    help: 'Time to write one batch of minute buckets to ClickHouse.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })
  const partitionSeries = new PartitionMetrics(registry)
  const duplicatesDropped = new Counter({
    name: 'adpulse_processor_duplicates_total',
    help: 'Events dropped as repeats of an event_id (same source and campaign) counted within the dedup horizon.',
    registers: [registry],
  })
  const retries = new Counter({
    name: 'adpulse_processor_clickhouse_retries_total',
    help: 'ClickHouse writes of events_raw that failed or timed out and were retried with the same rows and token.',
    registers: [registry],
  })
  const errors = new Counter({
    name: 'adpulse_processor_clickhouse_errors_total',
    help: 'ClickHouse writes of events_raw that failed, by kind (retriable, permanent); the code is in the log and /readyz.',
    labelNames: ['kind'],
    registers: [registry],
  })
  // Both kinds exported from the start, so "any permanent error" is a plain rate over an existing series.
  for (const kind of ['retriable', 'permanent'] as const) errors.inc({ kind }, 0)
  const lookups = new Counter({
    name: 'adpulse_processor_dedup_lookups_total',
    help: 'Queries to events_raw for event ids the capped dedup window (ADPULSE_DEDUP_MAX_IDS) may have forgotten.',
    registers: [registry],
  })
  const deadLetters = deadLetterCounter(registry, 'processor', DEAD_LETTER_REASONS)
  const channels = createChannelMetrics(registry, maxChannels)
  return {
    fetched(batch) {
      partitionSeries.fetched(batch)
    },

    written(batch, { counted, newestEventMs, channels: sums, poison, duplicates }) {
      if (batch.messages.length === 0) return
      partitionSeries.written(batch, newestEventMs)
      processed.inc({ outcome: 'counted' }, counted)
      duplicatesDropped.inc(duplicates)
      processed.inc({ outcome: 'poison' }, poison.length)
      for (const reason of poison) deadLetters(reason)
      channels.record(sums)
    },

    assigned(assignment) {
      partitionSeries.assigned(assignment)
    },

    writeRetried() {
      retries.inc()
    },

    clickHouseError(kind) {
      errors.inc({ kind })
    },

    dedupLookup() {
      lookups.inc()
    },

    flushTimer() {
      const started = process.hrtime.bigint()
      return () => flushSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9)
    },
  }
}
