export interface CountedBatch<T> {
  /** The events to write, in offset order. */
  rows: T[]
  /** Priced records dropped as repeats of an event counted before (or earlier in the batch). */
  duplicates: number
}

/**
 * Drops repeats: an event whose key the window has within the horizon, or that
 * came earlier in this batch. The window itself is not changed: the caller adds
 * the rows once ClickHouse acknowledged them. Keys come from the caller
 * (PartitionDedup), which alone knows what makes two events the same.
 */
export function countOnce<T extends { received_at: number }>(
  events: readonly T[],
  keyOf: (event: T) => string,
  window: { isRepeat(key: string, receivedAt: number): boolean },
  horizonMs: number,
): CountedBatch<T> & { keys: string[] } {
  const inBatch = new Map<string, number>()
  const rows: T[] = []
  /** The key of each kept row, in the same order: built once per event. */
  const keys: string[] = []
  let duplicates = 0
  for (const event of events) {
    const key = keyOf(event)
    const earlier = inBatch.get(key)
    const repeatInBatch = earlier !== undefined && event.received_at - earlier <= horizonMs
    if (repeatInBatch || window.isRepeat(key, event.received_at)) {
      duplicates++
      continue
    }
    inBatch.set(key, event.received_at)
    rows.push(event)
    keys.push(key)
  }
  return { rows, keys, duplicates }
}
