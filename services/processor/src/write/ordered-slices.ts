/** Records taken off a batch to decode; `endsSlice`: the insert they belong to is complete with them. */
export interface Chunk<T> {
  records: T[]
  endsSlice: boolean
}

/**
 * Takes the records off `items` (emptying it, so each chunk can be collected
 * once processed) in chunks of at most `chunkSize`, grouped into slices of
 * `sliceSize`: every `sliceSize` records (and the last) end a slice. A slice is
 * one insert; decoding it in smaller chunks keeps each chunk's intermediate
 * objects (decoded events, their conversions) short-lived, while the insert stays large.
 */
export function* chunksOf<T>(items: T[], sliceSize: number, chunkSize: number): Generator<Chunk<T>> {
  let inSlice = 0
  while (items.length > 0) {
    const records = items.splice(0, Math.min(chunkSize, sliceSize - inSlice))
    inSlice += records.length
    const endsSlice = inSlice >= sliceSize || items.length === 0
    if (endsSlice) inSlice = 0
    yield { records, endsSlice }
  }
}

/** A slice made ready to write ahead of its turn (encoded): `write` sends it, once; `discard` drops it unsent. */
export interface ReadySlice {
  write(): Promise<void>
  discard(): void
}

/**
 * Writes a batch's slices one insert each, in offset order, each started only
 * once the one before is acknowledged (the first, once `after`, the batch
 * before's last insert, is): after a crash the newest offset written still
 * marks everything below it as written (docs/exactly-once.md). `start` makes
 * the slice ready (encodes it) before it waits for the one before, so the
 * inserts follow each other without the encoding between them, and returns as
 * soon as the slice is under way, so the caller decodes and prices the next
 * one while it is written.
 */
export class OrderedSliceWriter<T> {
  private writing: Promise<void>

  constructor(
    private readonly ready: (rows: readonly T[]) => ReadySlice,
    after: Promise<void> = Promise.resolve(),
  ) {
    this.writing = after
  }

  /** Makes the slice ready, waits for the slice before (throwing its failure), then starts this one. */
  async start(rows: readonly T[]): Promise<void> {
    const slice = this.ready(rows)
    try {
      await this.writing
    } catch (err) {
      slice.discard()
      throw err
    }
    this.writing = slice.write()
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
