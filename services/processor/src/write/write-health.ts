import type { ReadinessCheck } from '@adpulse/http'

/**
 * Which partitions' writes ClickHouse refuses for good (a full disk, a missing
 * column, a read-only table): the processor keeps trying them slowly and
 * commits nothing meanwhile, and /readyz says so until the writes land again.
 */
export class WriteHealth {
  /** Partition (`topic/partition`) → the code of its refusal. */
  private readonly refusals = new Map<string, string>()

  /** Records a permanent refusal; true when it is news (a new partition or a new code): log it then. */
  refused(partition: string, code: string): boolean {
    if (this.refusals.get(partition) === code) return false
    this.refusals.set(partition, code)
    return true
  }

  /** The partition's write landed; true when it had been refused (the recovery is worth a log line). */
  recovered(partition: string): boolean {
    return this.refusals.delete(partition)
  }

  /** For /readyz: fails, naming the codes and partitions, while any write is refused. */
  readonly readiness: ReadinessCheck = {
    name: 'clickhouse-writes',
    check: async () => {
      if (this.refusals.size === 0) return
      const refusals = [...this.refusals].map(([partition, code]) => `${code} (${partition})`)
      throw new Error(
        `ClickHouse refuses the writes of events_raw: ${refusals.join(', ')}; nothing is committed until an operator fixes it`,
      )
    },
  }
}
