import { addChannelSums, type ChannelSums } from './channel-metrics.ts'
import type { WrittenBatch } from './processor-metrics.ts'
import type { PoisonRecord } from './steps/decode.ts'
import type { PricedRecord } from './steps/price.ts'

/** What a batch's slices add up to: its dead letters and what its metrics report once it is written. */
export class BatchTally {
  /** Records not counted, in offset order (each slice's are, and slices come in order). */
  readonly poison: PoisonRecord[] = []
  private readonly channels = new Map<string, ChannelSums>()
  private counted = 0
  private duplicates = 0
  private newestEventMs = Number.NEGATIVE_INFINITY

  /** One slice: its dead letters, the rows it writes, the repeats it dropped. */
  add(poison: readonly PoisonRecord[], rows: readonly PricedRecord[], duplicates: number): void {
    for (const p of poison) this.poison.push(p)
    for (const row of rows) if (row.occurred_at > this.newestEventMs) this.newestEventMs = row.occurred_at
    this.counted += rows.length
    this.duplicates += duplicates
    addChannelSums(this.channels, rows)
  }

  summary(): WrittenBatch {
    return {
      counted: this.counted,
      newestEventMs: this.newestEventMs,
      channels: [...this.channels.values()],
      poison: this.poison.map((p) => p.reason),
      duplicates: this.duplicates,
    }
  }
}
