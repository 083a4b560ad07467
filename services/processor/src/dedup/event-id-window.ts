/**
 * The event ids one partition counted within the dedup horizon, for dropping
 * repeats, as opaque keys (PartitionDedup makes them). A repeat is the same (source, campaign_id, event_id): events are keyed
 * by campaign_id, so a resend lands on the same partition, and a repeat with
 * another campaign_id is another event. Times are ingest receipt times; the
 * horizon is anchored at the newest one seen, not the clock, so a backlog
 * replayed late is judged as it would have been on time.
 *
 * At most `maxIds` keys are held (ADPULSE_DEDUP_MAX_IDS): beyond that the oldest
 * are forgotten, and the window says so (`mayHaveForgotten`) for every receipt
 * time that a forgotten key could still be a repeat of; the processor then asks
 * events_raw about those keys. Memory stays bounded, the guarantee unchanged.
 */
export class EventIdWindow {
  /** Key → receipt time (ms), in insertion order: oldest first, so pruning pops from the front. */
  private readonly seen = new Map<string, number>()
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

  /** Forgets a key held with this receipt time (a later receipt of it, held since, stays). */
  delete(key: string, receivedAt: number): void {
    if (this.seen.get(key) === receivedAt) this.seen.delete(key)
  }

  /**
   * Declares that keys received up to `receivedAt` exist in durable storage
   * without being held here (a rebuild that loaded only the newest `maxIds`).
   */
  forgetThrough(receivedAt: number): void {
    if (receivedAt > this.forgottenThrough) this.forgottenThrough = receivedAt
  }

  /** Forgets keys older than the horizon behind the newest receipt, then the oldest beyond the cap. */
  prune(): void {
    const oldest = this.newest - this.horizonMs
    for (const [key, at] of this.seen) {
      if (at >= oldest && this.seen.size <= this.maxIds) break
      this.seen.delete(key)
      if (at >= oldest) this.forgetThrough(at)
    }
  }

  get size(): number {
    return this.seen.size
  }
}
