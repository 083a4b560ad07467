import { randomUUID } from 'node:crypto'
import type { RawEventStore } from '@adpulse/clickhouse'
import { PartitionDedup } from './dedup/partition-dedup.ts'
import { RetryAbortedError } from './write/insert-retry.ts'

/** What the processor knows of one partition it reads, all rebuilt from events_raw. */
export interface PartitionState {
  /** Newest offset written to ClickHouse; records at or below it are already counted. */
  written: bigint | null
  dedup: PartitionDedup
  /** This processor's claim of the partition: its inserts land only while no other claimed it since. */
  writer: string
  /** Aborted when the partition may have left this processor (a rebalance): no write starts after it. */
  revoked: AbortSignal
  /**
   * The partition's last insert started (resolved when none was): the next
   * batch's first insert waits for it, so inserts stay one at a time, in offset
   * order, while that batch is decoded.
   */
  lastWrite: Promise<void>
}

export interface PartitionStatesOptions {
  store: Pick<
    RawEventStore,
    'claimPartition' | 'newestOffset' | 'recentIds' | 'lastReceipts' | 'repairBuckets'
  >
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
 * the partitions assigned. Loading claims the partition first
 * (docs/exactly-once.md): no insert of a former owner lands after it, so what
 * is read afterwards stays true while this processor writes.
 */
export class PartitionStates {
  private readonly states = new Map<string, PartitionState>()
  private partitions = 1
  private assignment = new AbortController()

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
    const revoked = this.assignment.signal
    const writer = randomUUID()
    await store.claimPartition(topic, partition, writer)
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
    const state = { written, dedup, writer, revoked, lastWrite: Promise.resolve() }
    // A rebalance while loading: this load belongs to the assignment before; the next batch claims again.
    if (!revoked.aborted) this.states.set(key, state)
    return state
  }

  /** Forgets every partition: the next batch of each reloads from ClickHouse, with its share of the budget. */
  clear(assignedPartitions = 1): void {
    this.revoke()
    this.partitions = Math.max(1, assignedPartitions)
  }

  /** The partitions may be leaving (a rebalance began): writes in progress stop, nothing new starts. */
  revoke(): void {
    this.assignment.abort(new PartitionsRevokedError())
    this.assignment = new AbortController()
    this.states.clear()
  }

  /** The partitions loaded since the last rebalance, with their state. */
  owned(): Array<{ topic: string; partition: number; state: PartitionState }> {
    return [...this.states].map(([key, state]) => {
      const slash = key.lastIndexOf('/')
      return { topic: key.slice(0, slash), partition: Number(key.slice(slash + 1)), state }
    })
  }

  /**
   * Forgets one partition (another processor claimed it, or a write failed): its
   * next batch, if it comes, claims it again. Given `state`, only if that is still the one held.
   */
  forget(topic: string, partition: number, state?: PartitionState): void {
    const key = `${topic}/${partition}`
    if (state === undefined || this.states.get(key) === state) this.states.delete(key)
  }
}

/** A write stopped because its partition may have moved to another processor; the batch stays uncommitted. */
export class PartitionsRevokedError extends RetryAbortedError {
  override readonly code = 'PARTITIONS_REVOKED'
  constructor() {
    super('the group is rebalancing: the partitions may have moved, writes in progress stop')
  }
}
