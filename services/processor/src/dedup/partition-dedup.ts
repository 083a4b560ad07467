import { EventIdWindow } from './event-id-window.ts'

export interface CountedBatch<T> {
  /** The events to write, in offset order. */
  rows: T[]
  /** Events dropped as repeats of an event counted before, pending, or earlier in the batch. */
  duplicates: number
}

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
 * once (docs/exactly-once.md, Repeated event ids), in one EventIdWindow:
 * - the ids ClickHouse acknowledged within the horizon (capped);
 * - the ids of rows kept but not yet acknowledged (a batch's later slices, and
 *   the next batch's, are deduplicated while they are written), so a repeat in
 *   a later slice is dropped too;
 * - the recall from events_raw of ids the capped window may have forgotten.
 * Ids count as acknowledged only once their insert is (markWritten). A write
 * that failed leaves its ids pending for good: the processor then drops this
 * whole state and loads it again from events_raw.
 */
export class PartitionDedup {
  private readonly window: EventIdWindow

  constructor(
    private readonly horizonMs: number,
    maxIds: number,
    private readonly recallReceipts: RecallReceipts,
  ) {
    this.window = new EventIdWindow(horizonMs, maxIds)
  }

  /**
   * Loads the ids counted before (a partition's first batch, from events_raw).
   * `complete` false: only the newest `maxIds` were loaded, so older ones of
   * the horizon may exist, with receipt times up to about the newest loaded
   * (receipts grow with offsets), and are recalled from events_raw when needed.
   */
  load(receipts: readonly EventReceipt[], complete: boolean): void {
    for (const id of receipts) this.window.add(keyOf(id), id.received_at)
    if (!complete) this.window.forgetThrough(receipts.reduce((max, id) => Math.max(max, id.received_at), 0))
  }

  /**
   * Drops repeats of events counted before, pending (kept, not yet written), or
   * earlier in these events; the kept ones are pending until markWritten, which
   * takes them in the order they are returned.
   */
  async filterRepeats<T extends EventReceipt>(events: readonly T[]): Promise<CountedBatch<T>> {
    const forgotten = await this.recall(events)
    const rows: T[] = []
    let duplicates = 0
    for (const event of events) {
      const key = keyOf(event)
      const at = event.received_at
      if (this.window.isRepeat(key, at) || forgotten?.isRepeat(key, at)) {
        duplicates++
        continue
      }
      // Held at once: a repeat later in these events is found by the same lookup.
      this.window.hold(key, at)
      rows.push(event)
    }
    return { rows, duplicates }
  }

  /**
   * ClickHouse acknowledged these rows, the oldest filterRepeats kept and not yet
   * written (a slice, in order): their ids are counted from now on.
   */
  markWritten(rows: readonly EventReceipt[]): void {
    let newest = Number.NEGATIVE_INFINITY
    for (const row of rows) if (row.received_at > newest) newest = row.received_at
    this.window.written(rows.length, newest)
    this.window.prune()
  }

  /** Forgets ids older than the horizon, and the oldest beyond the cap. */
  prune(): void {
    this.window.prune()
  }

  /** Ids held in memory as counted. */
  get size(): number {
    return this.window.size
  }

  /**
   * When the capped window may have forgotten some keys of these events, asks
   * events_raw once about the ones memory does not know; null when it need not.
   */
  private async recall(events: readonly EventReceipt[]): Promise<EventIdWindow | null> {
    const unknown = events.filter(
      (e) => this.window.mayHaveForgotten(e.received_at) && !this.window.isRepeat(keyOf(e), e.received_at),
    )
    if (unknown.length === 0) return null
    const found = await this.recallReceipts(
      [...new Set(unknown.map((e) => e.event_id))],
      this.window.forgottenSince,
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
