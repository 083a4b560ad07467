/** Where a commit goes: the next offset the group reads from this partition. */
export type CommitOffset = (topic: string, partition: number, next: string) => Promise<void>
/** Makes the consumer read a partition again from `offset` (kafkajs seek: with autoCommit off it commits nothing). */
export type Rewind = (topic: string, partition: number, offset: string) => void

/** One partition's commits in hand. */
interface PartitionCommits {
  /** The batches' commits, one after the other, in the order the batches came. */
  tail: Promise<void>
  /** Where the partition is read again after a failure: the offset after the last commit (at first, the first batch's first offset). */
  resumeAt: string
  /** The first failure (a batch's writes or its commit); later batches of the partition commit nothing. */
  failure?: unknown
}

/**
 * The commits of a consumer's batches, per partition and in order: each batch's
 * offsets are committed once its handler's writes are done, and every earlier
 * batch of the partition committed. A handler may return before its writes are
 * done, so the next batch is fetched and handled while they run; the commit
 * still follows them. After a failure nothing more of the partition is
 * committed: the consumer is rewound to the offset after the last commit, and
 * the partition's next batch throws the failure (the consumer restarts from its
 * commits). A new assignment starts afresh: what the one before left in hand
 * commits nothing (its generation is over).
 */
export class BatchCommits {
  private partitions = new Map<string, PartitionCommits>()
  private generation = 0

  constructor(
    private readonly commit: CommitOffset,
    private readonly rewind: Rewind,
  ) {}

  /**
   * Commits `next` for the partition once `written` resolves and the earlier
   * batches committed. `first` is the batch's first offset (where the partition
   * is read again if nothing of it was committed yet). The returned promise
   * settles when this batch's commit did (or was given up); it never rejects.
   */
  add(topic: string, partition: number, first: string, next: string, written: Promise<void>): Promise<void> {
    // Awaited below, maybe only after earlier commits: a rejection meanwhile is not unhandled.
    written.catch(() => undefined)
    const key = `${topic}/${partition}`
    const commits = this.partitions.get(key) ?? { tail: Promise.resolve(), resumeAt: first }
    this.partitions.set(key, commits)
    const generation = this.generation
    const current = () => generation === this.generation && commits.failure === undefined
    commits.tail = commits.tail.then(async () => {
      try {
        await written
        if (!current()) return
        await this.commit(topic, partition, next)
        commits.resumeAt = next
      } catch (err) {
        if (!current()) return
        commits.failure = err
        try {
          this.rewind(topic, partition, commits.resumeAt)
        } catch {
          // The consumer is not running (it stopped): it reads from its commits when it starts again.
        }
      }
    })
    return commits.tail
  }

  /** Throws the failure that stopped the partition's commits, once: the consumer restarts from its commits. */
  throwIfFailed(topic: string, partition: number): void {
    const key = `${topic}/${partition}`
    const commits = this.partitions.get(key)
    if (commits?.failure === undefined) return
    this.partitions.delete(key)
    throw commits.failure
  }

  /** A new assignment: the commits in hand of the one before are given up. */
  reset(): void {
    this.generation++
    this.partitions = new Map()
  }

  /** Waits for every commit in hand (stopping). */
  async settled(): Promise<void> {
    await Promise.all([...this.partitions.values()].map((commits) => commits.tail))
  }
}
