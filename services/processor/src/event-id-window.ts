/**
 * The event ids one partition counted within the dedup horizon, for dropping
 * repeats. A repeat is the same (source, campaign_id, event_id): events are keyed
 * by campaign_id, so a resend lands on the same partition, and a repeat with
 * another campaign_id is another event. Times are ingest receipt times; the
 * horizon is anchored at the newest one seen, not the clock, so a backlog
 * replayed late is judged as it would have been on time.
 */
export class EventIdWindow {
  /** Key → receipt time (ms), in insertion order: oldest first, so pruning pops from the front. */
  private readonly seen = new Map<string, number>()
  private newest = Number.NEGATIVE_INFINITY

  constructor(private readonly horizonMs: number) {}

  static keyOf(source: string, campaignId: string, eventId: string): string {
    // \u0000 cannot appear in a validated source, campaign id or event id: keys cannot collide.
    return `${source}\u0000${campaignId}\u0000${eventId}`
  }

  /** True when the key was counted within the horizon before `receivedAt`. */
  isRepeat(key: string, receivedAt: number): boolean {
    const first = this.seen.get(key)
    return first !== undefined && receivedAt - first <= this.horizonMs
  }

  /** Remembers a counted key; the first receipt within the horizon is kept. */
  add(key: string, receivedAt: number): void {
    if (!this.isRepeat(key, receivedAt)) {
      this.seen.delete(key)
      this.seen.set(key, receivedAt)
    }
    if (receivedAt > this.newest) this.newest = receivedAt
  }

  /** Forgets keys older than the horizon behind the newest receipt. */
  prune(): void {
    const oldest = this.newest - this.horizonMs
    for (const [key, at] of this.seen) {
      if (at >= oldest) break
      this.seen.delete(key)
    }
  }

  get size(): number {
    return this.seen.size
  }
}
