import { dateTime64, toCount } from './client.ts'
import { DatabaseStore } from './database-store.ts'

/** How far one partition of the events topic is written to ClickHouse. */
export interface PartitionProgressRow {
  topic: string
  partition: number
  committedOffset: bigint
  highWatermark: bigint
  /** Every record the broker acknowledged before this instant (epoch ms) is in ClickHouse. */
  completeThrough: number
  updatedAt: number
}

/** pipeline_progress: written by the processor, read by the alerter and /v1/freshness. */
export class ProgressStore extends DatabaseStore {
  async record(rows: PartitionProgressRow[]): Promise<void> {
    await this.insertRows(
      'pipeline_progress',
      rows.map((row) => ({
        topic: row.topic,
        partition: row.partition,
        committed_offset: row.committedOffset.toString(),
        high_watermark: row.highWatermark.toString(),
        complete_through: dateTime64(row.completeThrough),
        updated_at: dateTime64(row.updatedAt),
      })),
    )
  }

  /** The newest record of each partition of a topic. */
  async partitions(topic: string): Promise<PartitionProgressRow[]> {
    const rows = await this.select(
      `SELECT partition,
          argMax(committed_offset, updated_at) AS committed_offset,
          argMax(high_watermark, updated_at) AS high_watermark,
          toUnixTimestamp64Milli(argMax(complete_through, updated_at)) AS complete_through,
          toUnixTimestamp64Milli(max(updated_at)) AS last_update
        FROM ${this.database}.pipeline_progress
        WHERE topic = {topic:String}
        GROUP BY partition
        ORDER BY partition`,
      { topic },
    )
    return rows.map((row) => ({
      topic,
      partition: toCount(row.partition),
      committedOffset: BigInt(String(row.committed_offset)),
      highWatermark: BigInt(String(row.high_watermark)),
      completeThrough: toCount(row.complete_through),
      updatedAt: toCount(row.last_update),
    }))
  }

  /** The instant through which the whole topic is written: the oldest partition's; null before any record. */
  async completeThrough(topic: string): Promise<number | null> {
    return topicCompleteThrough(await this.partitions(topic))
  }
}

/** A topic is written through the instant of its least advanced partition; null before any record. */
export const topicCompleteThrough = (rows: readonly PartitionProgressRow[]): number | null =>
  rows.length === 0 ? null : Math.min(...rows.map((r) => r.completeThrough))
