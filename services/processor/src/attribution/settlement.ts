import type { KafkaClient } from '@adpulse/kafka'
import { nextProgress } from '../progress-reporter.ts'

/**
 * How long after its receipt a click may still reach the broker when the
 * configuration does not say (ingest stamps received_at, then produces, and
 * answers 503 rather than 202 past ADPULSE_INGEST_REQUEST_TIMEOUT, default 10s):
 * a click received at r is on the topic by r + this.
 */
export const DEFAULT_PRODUCE_SLACK_MS = 10_000

/** Reads of the group's progress at most this often: every batch and tick of every partition asks. */
const REFRESH_MS = 1000

/**
 * The receipt time through which every click is written, so that a conversion
 * without its click is declared unattributed only when no click that could
 * still match can arrive (click-match.ts, creditOf). A partition of the events
 * topic is written through instant t when the group's committed offset (committed
 * only after ClickHouse acknowledged) reached the high watermark read after t
 * (progress-reporter.ts, nextProgress); the topic through the least of its
 * partitions; every click received more than the produce slack before that is written.
 */
export class Settlement {
  private readonly completeThrough = new Map<number, number>()
  private cached: { at: number; value: Promise<number> } | undefined

  constructor(
    private readonly kafka: Pick<KafkaClient, 'groupProgress'>,
    private readonly groupId: string,
    private readonly topic: string,
    private readonly produceSlackMs: number = DEFAULT_PRODUCE_SLACK_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Receipt time (epoch ms) through which every click is written; -Infinity before anything is known. */
  settledThrough(): Promise<number> {
    const at = this.now()
    if (this.cached && at - this.cached.at < REFRESH_MS) return this.cached.value
    const value = this.observe(at)
    this.cached = { at, value }
    value.catch(() => {
      if (this.cached?.value === value) this.cached = undefined
    })
    return value
  }

  private async observe(observedAt: number): Promise<number> {
    // The instant is taken before the offsets are read: see nextProgress.
    const observed = await this.kafka.groupProgress(this.groupId, this.topic)
    const rows = nextProgress(observed, this.completeThrough, this.topic, observedAt)
    for (const row of rows) this.completeThrough.set(row.partition, row.completeThrough)
    if (rows.length === 0) return Number.NEGATIVE_INFINITY
    return Math.min(...rows.map((r) => r.completeThrough)) - this.produceSlackMs
  }
}
