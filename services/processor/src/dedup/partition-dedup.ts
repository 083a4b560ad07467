import { type CountedBatch, countOnce } from './count-once.ts'
import { EventIdWindow } from './event-id-window.ts'

/** What makes two events the same for dedup, and when the event was received. */
export interface EventReceipt {
  source: string
  campaign_id: string
  /** The campaign the event reported, when attribution credited another: the key keeps what was sent. */
  reported_campaign_id?: string
  event_id: string
  /** Ingest receipt time, ms: the horizon counts from it. */
  received_at: number
}

/**
 * Asks durable storage (events_raw) which of these event ids the partition
 * counted with a receipt at or after `sinceMs`, and when.
 */
export type RecallReceipts = (eventIds: readonly string[], sinceMs: number) => Promise<EventReceipt[]>

/**
 * Everything one partition knows about the events it counted, to count each
 * once (docs/exactly-once.md, Repeated event ids):
 * - `counted`: the ids ClickHouse acknowledged within the horizon (capped);
 * - `pending`: the ids of slices kept but not yet acknowledged (a batch's
 *   later slices, and the next batch's, are deduplicated while they are written),
 *   so a repeat in a later slice is dropped too;
 * - the recall from events_raw of ids the capped window may have forgotten.
 * Ids join `counted` only once their insert is acknowledged (markWritten). A
 * write that failed leaves its ids pending for good: the processor then drops
 * this whole state and loads it again from events_raw.
 */
export class PartitionDedup {
  private readonly counted: EventIdWindow
  private readonly pending: EventIdWindow
  /** The key of each pending row, so that markWritten does not build it again (a per-event hot path). */
  private readonly pendingKeys = new WeakMap<EventReceipt, string>()

  constructor(
    private readonly horizonMs: number,
    maxIds: number,
    private readonly recallReceipts: RecallReceipts,
  ) {
    this.counted = new EventIdWindow(horizonMs, maxIds)
    this.pending = new EventIdWindow(horizonMs)
  }

  /**
   * Loads the ids counted before (a partition's first batch, from events_raw).
   * `complete` false: only the newest `maxIds` were loaded, so older ones of
   * the horizon may exist, with receipt times up to about the newest loaded
   * (receipts grow with offsets), and are recalled from events_raw when needed.
   */
  load(receipts: readonly EventReceipt[], complete: boolean): void {
    for (const id of receipts) this.counted.add(keyOf(id), id.received_at)
    if (!complete) this.counted.forgetThrough(receipts.reduce((max, id) => Math.max(max, id.received_at), 0))
  }

  /**
   * Drops repeats of events counted before, pending (kept, not yet written), or earlier
   * in these events; the kept ones become pending until markWritten.
   */
  async filterRepeats<T extends EventReceipt>(events: readonly T[]): Promise<CountedBatch<T>> {
    const seen = {
      isRepeat: (key: string, at: number) => this.counted.isRepeat(key, at) || this.pending.isRepeat(key, at),
    }
    const forgotten = await this.recall(events, seen)
    const { rows, keys, duplicates } = countOnce(
      events,
      keyOf,
      forgotten === null ? seen : { isRepeat: (k, at) => seen.isRepeat(k, at) || forgotten.isRepeat(k, at) },
      this.horizonMs,
    )
    rows.forEach((row, i) => {
      const key = keys[i] as string
      this.pending.add(key, row.received_at)
      this.pendingKeys.set(row, key)
    })
    return { rows, duplicates }
  }

  /** ClickHouse acknowledged these rows: their ids are counted from now on. */
  markWritten(rows: readonly EventReceipt[]): void {
    for (const row of rows) {
      const key = this.pendingKeys.get(row) ?? keyOf(row)
      this.counted.add(key, row.received_at)
      this.pending.delete(key, row.received_at)
    }
    this.counted.prune()
  }

  /** Forgets ids older than the horizon, and the oldest beyond the cap. */
  prune(): void {
    this.counted.prune()
  }

  /** Ids held in memory as counted. */
  get size(): number {
    return this.counted.size
  }

  /**
   * When the capped window may have forgotten some keys of these events, asks
   * events_raw once about the ones memory does not know; null when it need not.
   */
  private async recall(
    events: readonly EventReceipt[],
    seen: Pick<EventIdWindow, 'isRepeat'>,
  ): Promise<EventIdWindow | null> {
    const unknown = events.filter(
      (e) => this.counted.mayHaveForgotten(e.received_at) && !seen.isRepeat(keyOf(e), e.received_at),
    )
    if (unknown.length === 0) return null
    const found = await this.recallReceipts(
      [...new Set(unknown.map((e) => e.event_id))],
      this.counted.forgottenSince,
    )
    const recalled = new EventIdWindow(this.horizonMs)
    for (const id of found) recalled.add(keyOf(id), id.received_at)
    return recalled
  }
}

/**
 * The one dedup key: a repeat is the same source, campaign_id and event_id.
 * \u0000 cannot appear in a validated source, campaign id or event id: keys cannot collide.
 */
function keyOf(id: EventReceipt): string {
  return `${id.source}\u0000${id.reported_campaign_id ?? id.campaign_id}\u0000${id.event_id}`
}
