import type { IncomingBatch, IncomingMessage } from '@adpulse/kafka'
import type { Logger } from '@adpulse/observability'

/**
 * The records of a batch not yet in ClickHouse. Those at or below the newest
 * offset written (a replay after a crash or a lost commit) are skipped, never
 * written twice (docs/exactly-once.md, Resume by skipping).
 */
export function skipWritten(batch: IncomingBatch, written: bigint | null, log: Logger): IncomingMessage[] {
  const fresh = written === null ? batch.messages : batch.messages.filter((m) => BigInt(m.offset) > written)
  if (fresh.length < batch.messages.length) {
    log.info(
      {
        partition: batch.partition,
        skipped: batch.messages.length - fresh.length,
        written: String(written),
      },
      'records already in ClickHouse skipped',
    )
  }
  return fresh
}
