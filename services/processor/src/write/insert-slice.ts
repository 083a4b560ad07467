import {
  classifyClickHouseError,
  isRetriableClickHouseError,
  type PreparedInsert,
  type RawEventStore,
} from '@adpulse/clickhouse'
import type { IncomingBatch } from '@adpulse/kafka'
import type { Logger } from '@adpulse/observability'
import type { PartitionState } from '../partition-state.ts'
import type { ProcessorMetrics } from '../processor-metrics.ts'
import type { PricedRecord } from '../steps/price.ts'
import { type RetryPolicy, retryUntilDone } from './insert-retry.ts'
import type { ReadySlice } from './ordered-slices.ts'
import { toRawEventRow } from './raw-event-row.ts'
import type { WriteHealth } from './write-health.ts'

export interface SliceInserterDeps {
  store: Pick<RawEventStore, 'prepare' | 'insertPrepared' | 'release'>
  retry: RetryPolicy
  /**
   * Aborted on shutdown; with the partition's `revoked` (a rebalance) and a
   * fenced insert (PartitionFencedError), the ends of the retries. The batch then stays uncommitted.
   */
  signal: AbortSignal
  metrics: Pick<ProcessorMetrics, 'flushTimer' | 'writeRetried' | 'clickHouseError'>
  health: WriteHealth
  log: Logger
}

/**
 * Makes one slice of a partition's counted events ready to write (encoded);
 * its write resolves once ClickHouse acknowledged it.
 */
export type SliceInserter = (
  batch: IncomingBatch,
  state: PartitionState,
  rows: readonly PricedRecord[],
) => ReadySlice

/**
 * One slice as one insert, retried with the same token until it lands; then the
 * partition's written offset advances and its ids join the dedup window. A
 * failure that can pass is retried with backoff and logged each time; one that
 * ClickHouse will refuse until an operator acts (docs/metrics.md,
 * adpulse_processor_clickhouse_errors_total) is logged once, makes /readyz fail,
 * and is tried again slowly: nothing is skipped, nothing committed meanwhile.
 */
export function createSliceInserter({
  store,
  retry,
  signal,
  metrics,
  health,
  log,
}: SliceInserterDeps): SliceInserter {
  return (batch, state, rows) => {
    const first = rows[0]
    const newest = rows[rows.length - 1]
    if (!first || !newest) return { write: async () => undefined, discard: () => undefined }
    const token = `${batch.topic}/${batch.partition}/${first.offset}-${newest.offset}`
    const partition = `${batch.topic}/${batch.partition}`
    // Encoded once, now, while the insert before runs; the rows as events_raw keeps them are
    // garbage once encoded. Should that fail (a full temporary directory), each attempt below
    // encodes again, so the failure is retried, logged and counted as a failed write is.
    const encode = () =>
      store.prepare(
        rows.map((row) => toRawEventRow(row, batch)),
        state.writer,
      )
    let prepared: PreparedInsert | undefined
    try {
      prepared = encode()
    } catch {
      // Left undefined: the first attempt encodes again (above).
    }
    const release = () => {
      if (prepared) store.release(prepared)
    }
    const write = async () => {
      const flushed = metrics.flushTimer()
      try {
        await retryUntilDone(
          // Under the partition's claim: ClickHouse refuses it once another processor claimed the partition.
          () => {
            prepared ??= encode()
            return store.insertPrepared(prepared, token)
          },
          retry,
          AbortSignal.any([signal, state.revoked]),
          (err, attempts, delayMs) => {
            const { kind, code } = classifyClickHouseError(err)
            metrics.clickHouseError(kind)
            if (kind === 'retriable') {
              metrics.writeRetried()
              log.warn(
                { err, partition: batch.partition, attempts, delayMs, token },
                'ClickHouse write failed; retrying the same rows with the same token',
              )
            } else if (health.refused(partition, code)) {
              log.error(
                { err, code, partition: batch.partition, attempts, delayMs, token },
                `ClickHouse refuses the write (${code}) until its cause is fixed; the partition waits, nothing is committed or skipped, and the write is tried again every ${delayMs} ms`,
              )
            }
          },
          isRetriableClickHouseError,
        )
      } finally {
        release()
      }
      flushed()
      if (health.recovered(partition)) {
        log.info({ partition: batch.partition, token }, 'ClickHouse accepts the writes again')
      }
      state.written = BigInt(newest.offset)
      state.dedup.markWritten(rows)
    }
    return { write, discard: release }
  }
}
