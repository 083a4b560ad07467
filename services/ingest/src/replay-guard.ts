/**
 * Remembers request signatures for as long as their timestamps are acceptable,
 * so the same signed request is taken once. Memory is bounded: when full, the
 * oldest entry is forgotten and the acceptance floor rises to its timestamp,
 * so a forgotten signature can never be replayed (its timestamp is then too old).
 * The memory is this process's: another ingest instance takes the replay, and
 * the processor drops its events as repeats (docs/scaling.md, "Ingest").
 */
export class ReplayGuard {
  /** signature → the request's timestamp (ms); in claim order. */
  private readonly seen = new Map<string, number>()
  private floorMs = Number.NEGATIVE_INFINITY

  constructor(
    private readonly toleranceMs: number,
    private readonly maxEntries = 100_000,
  ) {}

  /** Timestamps at or below this are refused even within the tolerance (see the class comment). */
  get floor(): number {
    return this.floorMs
  }

  /**
   * Claims a signature made at `timestampMs`; false when it was claimed
   * before (a replay) or its timestamp is at or below the floor.
   */
  claim(signature: string, timestampMs: number, nowMs: number): boolean {
    this.forgetExpired(nowMs)
    if (timestampMs <= this.floorMs || this.seen.has(signature)) return false
    if (this.seen.size >= this.maxEntries) {
      const [oldest, at] = this.seen.entries().next().value as [string, number]
      this.seen.delete(oldest)
      this.floorMs = Math.max(this.floorMs, at)
    }
    this.seen.set(signature, timestampMs)
    return true
  }

  /** Lets a claimed signature be used again: its request was not taken (429, 503), so a retry is no replay. */
  release(signature: string): void {
    this.seen.delete(signature)
  }

  private forgetExpired(nowMs: number): void {
    // Claim order is close to timestamp order; an out-of-order entry is only forgotten a little late.
    for (const [signature, at] of this.seen) {
      if (at >= nowMs - this.toleranceMs) break
      this.seen.delete(signature)
    }
  }
}
