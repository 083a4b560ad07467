import type { RawEventStore } from '@adpulse/clickhouse'
import { PartitionDedup } from './dedup/partition-dedup.ts'

/** What the processor knows of one partition it reads, all rebuilt from events_raw. */
export interface PartitionState {
  /** Newest offset written to ClickHouse; records at or below it are already counted. */
  written: bigint | null
  dedup: PartitionDedup
}

export interface PartitionStatesOptions {
  store: Pick<RawEventStore, 'newestOffset' | 'recentIds' | 'lastReceipts' | 'repairBuckets'>
  horizonMs: number
  /** Ids in memory for all partitions (ADPULSE_DEDUP_MAX_IDS); unbounded when omitted. */
  maxIds?: number
  /** Told how many events' buckets a first load had to repair (usually 0). */
  onRepaired?: (topic: string, partition: number, events: number) => void
  /** Told when events_raw was asked about ids the capped window may have forgotten. */
  onRecall?: () => void
}

/**
 * Per-partition state, loaded from ClickHouse the first time a partition's batch
 * arrives and forgotten at every rebalance: another member may have written the
 * partition meanwhile, so nothing is assumed after a restart or a reassignment.
 * The dedup budget (ADPULSE_DEDUP_MAX_IDS, per processor) is shared evenly by
 * the partitions assigned.
 */
export class PartitionStates {
  private readonly states = new Map<string, PartitionState>()
  private partitions = 1

  constructor(private readonly options: PartitionStatesOptions) {}

  /** Ids each partition's window may hold. */
  get maxIdsPerPartition(): number {
    return Math.max(1, Math.floor((this.options.maxIds ?? Number.POSITIVE_INFINITY) / this.partitions))
  }

  async of(topic: string, partition: number): Promise<PartitionState> {
    const key = `${topic}/${partition}`
    const known = this.states.get(key)
    if (known) return known
    const { store, horizonMs } = this.options
    // The last insert of a processor killed mid-write may have reached events_raw
    // and not kpi_buckets: summarised now, before this owner writes anything.
    const repaired = await store.repairBuckets(topic, partition)
    if (repaired > 0) this.options.onRepaired?.(topic, partition, repaired)
    const cap = this.maxIdsPerPartition
    const [written, seen] = await Promise.all([
      store.newestOffset(topic, partition),
      store.recentIds(topic, partition, horizonMs, Number.isFinite(cap) ? cap : undefined),
    ])
    const dedup = new PartitionDedup(horizonMs, cap, async (eventIds, sinceMs) => {
      const found = await store.lastReceipts(topic, partition, eventIds, sinceMs)
      this.options.onRecall?.()
      return found
    })
    dedup.load(seen, seen.length < cap)
    const state = { written, dedup }
    this.states.set(key, state)
    return state
  }

  /** Forgets every partition: the next batch of each reloads from ClickHouse, with its share of the budget. */
  clear(assignedPartitions = 1): void {
    this.states.clear()
    this.partitions = Math.max(1, assignedPartitions)
  }
}
