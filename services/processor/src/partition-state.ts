import type { RawEventStore } from '@adpulse/clickhouse'
import { EventIdWindow } from './event-id-window.ts'

/** What the processor knows of one partition it reads, all rebuilt from events_raw. */
export interface PartitionState {
  /** Newest offset written to ClickHouse; records at or below it are already counted. */
  written: bigint | null
  ids: EventIdWindow
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

  constructor(
    private readonly store: Pick<RawEventStore, 'newestOffset' | 'recentIds' | 'repairBuckets'>,
    private readonly horizonMs: number,
    private readonly maxIds = Number.POSITIVE_INFINITY,
    /** Told how many events' buckets a first load had to repair (usually 0). */
    private readonly onRepaired: (topic: string, partition: number, events: number) => void = () => {},
  ) {}

  /** Ids each partition's window may hold. */
  get maxIdsPerPartition(): number {
    return Math.max(1, Math.floor(this.maxIds / this.partitions))
  }

  async of(topic: string, partition: number): Promise<PartitionState> {
    const key = `${topic}/${partition}`
    const known = this.states.get(key)
    if (known) return known
    // The last insert of a processor killed mid-write may have reached events_raw
    // and not kpi_buckets: summarised now, before this owner writes anything.
    const repaired = await this.store.repairBuckets(topic, partition)
    if (repaired > 0) this.onRepaired(topic, partition, repaired)
    const cap = this.maxIdsPerPartition
    const [written, seen] = await Promise.all([
      this.store.newestOffset(topic, partition),
      this.store.recentIds(topic, partition, this.horizonMs, Number.isFinite(cap) ? cap : undefined),
    ])
    const ids = new EventIdWindow(this.horizonMs, cap)
    for (const id of seen)
      ids.add(EventIdWindow.keyOf(id.source, id.campaign_id, id.event_id), id.received_at)
    // Only the newest `cap` (by offset) were loaded: older ones of the horizon may exist,
    // with receipt times up to about the newest loaded (receipts grow with offsets).
    if (seen.length >= cap) ids.forgetThrough(seen.reduce((max, id) => Math.max(max, id.received_at), 0))
    const state = { written, ids }
    this.states.set(key, state)
    return state
  }

  /** Forgets every partition: the next batch of each reloads from ClickHouse, with its share of the budget. */
  clear(assignedPartitions = 1): void {
    this.states.clear()
    this.partitions = Math.max(1, assignedPartitions)
  }
}
