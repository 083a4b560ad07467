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
 */
export class PartitionStates {
  private readonly states = new Map<string, PartitionState>()

  constructor(
    private readonly store: Pick<RawEventStore, 'newestOffset' | 'recentIds' | 'repairBuckets'>,
    private readonly horizonMs: number,
    /** Told how many events' buckets a first load had to repair (usually 0). */
    private readonly onRepaired: (topic: string, partition: number, events: number) => void = () => {},
  ) {}

  async of(topic: string, partition: number): Promise<PartitionState> {
    const key = `${topic}/${partition}`
    const known = this.states.get(key)
    if (known) return known
    // The last insert of a processor killed mid-write may have reached events_raw
    // and not kpi_buckets: summarised now, before this owner writes anything.
    const repaired = await this.store.repairBuckets(topic, partition)
    if (repaired > 0) this.onRepaired(topic, partition, repaired)
    const [written, seen] = await Promise.all([
      this.store.newestOffset(topic, partition),
      this.store.recentIds(topic, partition, this.horizonMs),
    ])
    const ids = new EventIdWindow(this.horizonMs)
    for (const id of seen)
      ids.add(EventIdWindow.keyOf(id.source, id.campaign_id, id.event_id), id.received_at)
    const state = { written, ids }
    this.states.set(key, state)
    return state
  }

  /** Forgets every partition: the next batch of each reloads from ClickHouse. */
  clear(): void {
    this.states.clear()
  }
}
