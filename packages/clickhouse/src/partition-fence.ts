import type { ClickHouseClient } from '@clickhouse/client'

/**
 * The writer fence of events_raw (docs/exactly-once.md, "One writer per
 * partition"). A processor that takes a partition over claims it under a writer
 * id of its own; events_raw refuses rows whose `writer` is not the partition's
 * newest claim (a CHECK constraint over a Join table, evaluated by ClickHouse
 * inside each INSERT), so a former owner whose insert was stalled past a
 * rebalance can no longer land it. Then the new owner waits until no insert of
 * the partition that passed that check before its claim is still running, and
 * only then reads where to resume.
 */

/** The schema steps, appended to the migrations (14, 15). */
export const FENCE_MIGRATIONS: ReadonlyArray<(db: string, onCluster: string) => string> = [
  // 14. The newest claim of each partition. A Join table: an INSERT updates the
  //     hash map that joinGet reads at once, and the newest row of a key wins.
  (db, onCluster) => `CREATE TABLE IF NOT EXISTS ${db}.partition_writers${onCluster} (
    topic String, partition UInt32, writer String
  ) ENGINE = Join(ANY, LEFT, topic, partition) SETTINGS join_any_take_last_row = 1`,
  // 15. Which claim wrote a row; the processor's rows ('' : a tool's or a test's, not fenced)
  //     must carry the partition's newest claim, or the whole INSERT fails before it writes a part.
  (db, onCluster) => `ALTER TABLE ${db}.events_raw${onCluster}
    ADD COLUMN IF NOT EXISTS writer LowCardinality(String) DEFAULT '',
    ADD CONSTRAINT IF NOT EXISTS ${FENCE_CONSTRAINT}
      CHECK writer = '' OR writer = joinGet('${db}.partition_writers', 'writer', topic, partition)`,
]

const FENCE_CONSTRAINT = 'writer_holds_partition'

/** The processor's insert was refused: another processor claimed the partition since; this one must stop writing it. */
export class PartitionFencedError extends Error {
  readonly code = 'PARTITION_FENCED'
  readonly retriable = false
  /** Trying again cannot succeed: the claim is gone for good (insert-retry stops at once). */
  readonly stopsRetries = true
  constructor(topic: string, partition: number, options?: ErrorOptions) {
    super(`${topic}/${partition} was claimed by another processor; this one no longer writes it`, options)
  }
}

/** True when ClickHouse refused an insert for its writer no longer holding the partition. */
export function isFenceRefusal(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false
  const { type, message } = err as Record<string, unknown>
  return type === 'VIOLATED_CONSTRAINT' && typeof message === 'string' && message.includes(FENCE_CONSTRAINT)
}

/**
 * The query id of an insert into a partition: the prefix lets a new owner find
 * the inserts of the partition still running on the server (system.processes).
 * Topic names hold no `:`, so `topic/1:` is never a prefix of `topic/10:`.
 */
export const insertQueryIdPrefix = (topic: string, partition: number): string =>
  `adpulse-events-raw:${topic}/${partition}:`

const DRAIN_POLL_MS = 100

/**
 * Claims a partition for `writer`, then waits until no insert of the partition
 * that may have passed the fence before the claim still runs. ClickHouse puts an
 * INSERT in its process list before it evaluates the constraint and takes it out
 * only after its part is committed (or the insert failed): an insert not listed
 * once the claim is in either finished already or will meet the new claim.
 * Embedded chDB has no server-side query ids, and no second process to wait for.
 */
export async function claimPartition(
  client: ClickHouseClient,
  database: string,
  claim: { topic: string; partition: number; writer: string },
): Promise<void> {
  // A statement, not client.insert(): the event inserts are the only inserts of the processor.
  await client.command({
    query: `INSERT INTO ${database}.partition_writers (topic, partition, writer)
      VALUES ({topic:String}, {partition:UInt32}, {writer:String})`,
    query_params: claim,
  })
  const prefix = insertQueryIdPrefix(claim.topic, claim.partition)
  for (;;) {
    const result = await client.query({
      query: 'SELECT count() AS running FROM system.processes WHERE startsWith(query_id, {prefix:String})',
      query_params: { prefix },
      format: 'JSONEachRow',
    })
    const [row] = await result.json<{ running: number | string }>()
    if (Number(row?.running ?? 0) === 0) return
    await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS))
  }
}
