/** The records in slices of at most `size`, in order; the whole array when it fits in one. */
export function* slicesOf<T>(items: T[], size: number): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) {
    yield start === 0 && items.length <= size ? items : items.slice(start, start + size)
  }
}

/**
 * Writes a batch's slices one insert each, in offset order, each started only
 * once the one before is acknowledged: after a crash the newest offset written
 * still marks everything below it as written (docs/exactly-once.md). `start`
 * returns as soon as a slice is under way, so the caller decodes and prices the
 * next one while it is written.
 */
export class OrderedSliceWriter<T> {
  private writing: Promise<void> = Promise.resolve()

  constructor(private readonly write: (rows: readonly T[]) => Promise<void>) {}

  /** Waits for the slice before (throwing its failure), then starts this one. */
  async start(rows: readonly T[]): Promise<void> {
    await this.writing
    this.writing = this.write(rows)
    // Awaited at the next slice or in finish(); a failure of the next slice's own work must not leave it unhandled.
    this.writing.catch(() => undefined)
  }

  /** Waits for the last slice; throws its failure. */
  finish(): Promise<void> {
    return this.writing
  }

  /** Waits for the slice in flight, whatever its outcome: never leave a write running behind a failed batch. */
  async drain(): Promise<void> {
    await this.writing.catch(() => undefined)
  }
}
