/**
 * Runs work one at a time per partition: a partition's batches and the timer's
 * resolutions of its waiting conversions never overlap, so its inserts stay one
 * at a time (the resolution numbers and the buckets' repair count on it).
 */
export class PartitionQueue {
  private readonly tails = new Map<string, Promise<unknown>>()

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve()
    const done = before.catch(() => undefined).then(work)
    const tail = done.catch(() => undefined)
    this.tails.set(key, tail)
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    })
    return done
  }
}
