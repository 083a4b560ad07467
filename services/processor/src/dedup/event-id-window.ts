/**
 * The event ids one partition counted within the dedup horizon, for dropping
 * repeats, as opaque keys (PartitionDedup makes them). A repeat is the same (source, campaign_id, event_id): events are keyed
 * by campaign_id, so a resend lands on the same partition, and a repeat with
 * another campaign_id is another event. Times are ingest receipt times; the
 * horizon is anchored at the newest one seen, not the clock, so a backlog
 * replayed late is judged as it would have been on time.
 *
 * At most `maxIds` counted keys are held (ADPULSE_DEDUP_MAX_IDS): beyond that
 * the oldest are forgotten, and the window says so (`mayHaveForgotten`) for
 * every receipt time that a forgotten key could still be a repeat of; the
 * processor then asks events_raw about those keys. Memory stays bounded, the
 * guarantee unchanged.
 *
 * Keys kept but not yet written are held too (`hold`), in the same map, so that
 * one lookup answers for both (a per-event hot path): they are the newest
 * entries, in the order they are written, and `written` turns the oldest of
 * them into counted ones. Neither the cap nor the horizon forgets a pending key:
 * events_raw, which a forgotten key is recalled from, does not have it yet.
 */
export class EventIdWindow {
  /** Key → receipt time (ms), in insertion order: oldest first, so pruning pops from the front. */
  private readonly seen = new Map<string, number>()
  /**
   * How many held rows are not written yet: at least as many as the pending keys
   * at the end of `seen` (a key held again past the horizon serves two rows).
   */
  private pendingRows = 0
  /** Newest receipt time counted: the horizon counts back from it. */
  private newest = Number.NEGATIVE_INFINITY
  /** Newest receipt time of a key dropped for the cap (or never loaded): -∞ when none was. */
  private forgottenThrough = Number.NEGATIVE_INFINITY

  constructor(
    private readonly horizonMs: number,
    private readonly maxIds = Number.POSITIVE_INFINITY,
  ) {}

  /** True when the key was counted within the horizon before `receivedAt` (as far as memory knows). */
  isRepeat(key: string, receivedAt: number): boolean {
    const first = this.seen.get(key)
    return first !== undefined && receivedAt - first <= this.horizonMs
  }

  /**
   * True when a key received at `receivedAt`, not found in memory, may still be
   * a repeat of a key forgotten for the cap: durable storage must decide.
   */
  mayHaveForgotten(receivedAt: number): boolean {
    return receivedAt - this.forgottenThrough <= this.horizonMs
  }

  /** Oldest receipt time a forgotten key must have to still count (for the durable lookup). */
  get forgottenSince(): number {
    return this.forgottenThrough - this.horizonMs
  }

  /** Remembers a counted key; the first receipt within the horizon is kept. */
  add(key: string, receivedAt: number): void {
    if (!this.isRepeat(key, receivedAt)) {
      this.seen.delete(key)
      this.seen.set(key, receivedAt)
    }
    if (receivedAt > this.newest) this.newest = receivedAt
  }

  /**
   * Holds the key of a row kept but not written yet; the caller found it no
   * repeat (isRepeat false). Rows must be written in the order they are held.
   */
  hold(key: string, receivedAt: number): void {
    // A receipt past the horizon replaces the key's entry, and moves it to the newest.
    this.seen.delete(key)
    this.seen.set(key, receivedAt)
    this.pendingRows++
  }

  /** The oldest `rows` held rows are written (acknowledged): their keys count from now on. */
  written(rows: number, newestReceivedAt: number): void {
    this.pendingRows = Math.max(0, this.pendingRows - rows)
    if (newestReceivedAt > this.newest) this.newest = newestReceivedAt
  }

  /**
   * Declares that keys received up to `receivedAt` exist in durable storage
   * without being held here (a rebuild that loaded only the newest `maxIds`).
   */
  forgetThrough(receivedAt: number): void {
    if (receivedAt > this.forgottenThrough) this.forgottenThrough = receivedAt
  }

  /**
   * Forgets counted keys older than the horizon behind the newest counted
   * receipt, then the oldest beyond the cap; pending keys (the newest entries) stay.
   */
  prune(): void {
    const oldest = this.newest - this.horizonMs
    let counted = this.size
    for (const [key, at] of this.seen) {
      if (counted === 0 || (at >= oldest && counted <= this.maxIds)) break
      this.seen.delete(key)
      counted--
      if (at >= oldest) this.forgetThrough(at)
    }
  }

  /** Counted keys held (pending ones not included). */
  get size(): number {
    return Math.max(0, this.seen.size - this.pendingRows)
  }
}
