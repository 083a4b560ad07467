import { randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import type { EventType } from '@adpulse/events'
import { BucketRepair } from './bucket-repair.ts'
import { type ChdbFileInsert, chdbFileInsertOf } from './chdb-file-insert.ts'
import { toCount } from './client.ts'
import { DatabaseStore } from './database-store.ts'
import {
  claimPartition,
  insertQueryIdPrefix,
  isFenceRefusal,
  PartitionFencedError,
} from './partition-fence.ts'
import { rawEventColumns } from './raw-event-columns.ts'
import { encodeRawEventsRowBinary } from './raw-event-rowbinary.ts'
import { encodeRawEventsTsvBuffer } from './raw-event-tsv.ts'

/** One counted event as events_raw keeps it, with the Kafka offset it came from. */
export interface RawEventRow {
  event_id: string
  source: string
  type: EventType
  /** Event time, epoch ms UTC. */
  occurred_at: number
  channel: string
  campaign_id: string
  /** The event's ad, click and user ids; null or omitted: the event had none (NULL). */
  ad_id?: string | null
  click_id?: string | null
  user_id?: string | null
  /** A conversion's or an engagement's action; empty on impressions and clicks. */
  action: string
  /** Priced cost in micros of the reporting currency. */
  cost_micros: bigint
  /** Revenue in micros of the reporting currency; 0 on impressions and clicks. */
  value_micros: bigint
  /** The currency cost_micros and value_micros are in: the reporting currency. */
  currency: string
  /** The currency the event was sent in; omitted: `currency` (sent in the reporting currency). */
  original_currency?: string
  /**
   * The explicit cost as sent, in original_currency; null when the pricing model
   * priced it; omitted: cost_micros.
   */
  original_cost_micros?: bigint | null
  /** The value as sent, in original_currency, 0 on impressions and clicks; omitted: value_micros. */
  original_value_micros?: bigint
  /** Ingest receipt time, epoch ms: the dedup horizon and the retention count from it. */
  received_at: number
  topic: string
  partition: number
  offset: string
  /** What a conversion with a click_id reported, when attribution credited it elsewhere; omitted: the credited keys. */
  reported_channel?: string
  reported_campaign_id?: string
  reported_ad_id?: string | null
  /** '' (omitted): no attribution; else 'click', 'waiting' or 'unattributed' (docs/attribution.md). */
  attribution?: Attribution
  /** The resolution insert of a waiting conversion, numbered per partition; 0 (omitted) on every other row. */
  resolution?: number
}

/** Where a conversion with a click_id stands in events_raw ('' for every other event). */
export type Attribution = '' | 'click' | 'waiting' | 'unattributed'

/** An event id seen on a partition: what the processor's dedup window is rebuilt from. */
export interface SeenEventId {
  source: string
  campaign_id: string
  event_id: string
  received_at: number
}

/**
 * Rows encoded for an insert ahead of it (RawEventStore.prepare): sent by
 * insertPrepared, once or again with the same token, then released.
 */
export interface PreparedInsert {
  readonly topic: string
  readonly partition: number
  readonly columns: readonly string[]
  /** Embedded chDB: the file chDB reads, and the client's file insert that wrote it (chdb-file-insert.ts). */
  readonly file?: { readonly path: string; readonly via: ChdbFileInsert }
  /** A ClickHouse server: the bytes sent over HTTP, a Buffer of this insert's own (an abandoned attempt may still read it). */
  readonly values?: Buffer
}

/** events_raw: written by the processor, one INSERT (one part) per batch; kpi_buckets follows through its view. */
export class RawEventStore extends DatabaseStore {
  /** Embedded chDB's file insert of this client; undefined for a ClickHouse server (its HTTP insert). */
  private readonly fileInsert = chdbFileInsertOf(this.client)
  /**
   * The buffer the last insert file was encoded in, used again by the next
   * (the processor's are a few MB): free as soon as its bytes are in the file.
   * A new one per insert would stay allocated outside the heap until V8
   * collects its Buffer object, which waits for a full collection.
   */
  private scratch: Buffer | undefined

  /**
   * Inserts rows as one part. The token must be a function of the rows (the
   * processor uses topic/partition/first-last offset), so that inserting the
   * same rows again, after a timeout whose insert did land, changes nothing.
   * With a `writer` (the processor's claim of the rows' partition, all rows of
   * one partition), ClickHouse refuses the insert unless that claim is still the
   * partition's newest: then it throws PartitionFencedError and writes nothing.
   */
  async insert(rows: readonly RawEventRow[], token: string, writer?: string): Promise<void> {
    if (rows.length === 0) return
    const prepared = this.prepare(rows, writer)
    try {
      await this.insertPrepared(prepared, token)
    } finally {
      this.release(prepared)
    }
  }

  /**
   * Encodes rows (at least one) for insertPrepared, as insert would: the
   * processor encodes a slice while the insert before it runs, so that encoding
   * is not on the path of the inserts, which run one at a time.
   */
  prepare(rows: readonly RawEventRow[], writer?: string): PreparedInsert {
    const first = rows[0]
    if (!first) throw new Error('an insert needs at least one row')
    const columns = rawEventColumns(rows, writer)
    const where = { topic: first.topic, partition: first.partition, columns }
    const fileInsert = this.fileInsert
    if (!fileInsert) return { ...where, values: encodeRawEventsTsvBuffer(rows, writer) }
    // Embedded chDB: RowBinary, written to a file once (chdb-file-insert.ts); the buffer is free again at once.
    const { values, scratch } = encodeRawEventsRowBinary(rows, writer, this.scratch)
    this.scratch = scratch
    return { ...where, file: { path: fileInsert.write(values), via: fileInsert } }
  }

  /** One insert of prepared rows with `token` (see insert); may be called again with the same token. */
  async insertPrepared(prepared: PreparedInsert, token: string): Promise<void> {
    const table = `${this.database}.events_raw`
    const settings = {
      insert_deduplication_token: token,
      insert_deduplicate: 1,
      // A retried insert that had landed is dropped in kpi_buckets too, not
      // only in events_raw: the view's block is deduplicated by a token derived from this one.
      deduplicate_blocks_in_dependent_materialized_views: 1,
      // The views' GROUP BY already yields one row per sorting key of their tables
      // (kpi_buckets, clicks_by_id): merging the block on insert finds nothing to fold, and only costs.
      optimize_on_insert: 0,
    } as const
    const { columns, file, values } = prepared
    try {
      if (file !== undefined) {
        await file.via.insert(file.path, {
          table,
          columns,
          format: 'RowBinary',
          settings,
        })
        return
      }
      await this.client.insert({
        table,
        columns: columns as [string, ...string[]],
        format: 'TabSeparated',
        values: Readable.from([values], { objectMode: false }),
        // Named after the partition: a new owner waits for the inserts of its partition still running.
        query_id: `${insertQueryIdPrefix(prepared.topic, prepared.partition)}${randomUUID()}`,
        clickhouse_settings: settings,
      })
    } catch (err) {
      if (isFenceRefusal(err))
        throw new PartitionFencedError(prepared.topic, prepared.partition, { cause: err })
      throw err
    }
  }

  /** No insert of these prepared rows will be sent again (landed, or given up): what they hold goes. */
  release(prepared: PreparedInsert): void {
    prepared.file?.via.remove(prepared.file.path)
  }

  /**
   * Makes `writer` the only processor whose inserts of the partition land, and
   * returns once no insert of an earlier owner can land any more
   * (partition-fence.ts). Called before reading where the partition resumes.
   */
  claimPartition(topic: string, partition: number, writer: string): Promise<void> {
    return claimPartition(this.client, this.database, { topic, partition, writer })
  }

  /**
   * Summarises into kpi_buckets the raw rows of a partition its buckets miss
   * (BucketRepair.repairTail); the partition's writer calls it before its first insert.
   */
  repairBuckets(topic: string, partition: number): Promise<number> {
    return new BucketRepair(this.client, this.database).repairTail(topic, partition)
  }

  /**
   * The newest offset of a partition written to ClickHouse, or null when none is:
   * a restarted processor drops every record at or below it. The buckets count
   * too (kpi_buckets' newest_offsets): those of versions before events_raw,
   * folded in from kpi_minute, so an upgrade does not write a range twice, and
   * those that outlive raw rows past their retention.
   */
  async newestOffset(topic: string, partition: number): Promise<bigint | null> {
    // ORDER BY … DESC LIMIT 1 on the sorting key reads only the last granule; the
    // buckets' max is answered from their newest_offsets projection (no row: none).
    const [row] = await this.select<{ offset: string; n: unknown }>(
      `SELECT toString(max(o)) AS offset, count() AS n FROM (
          (SELECT offset AS o FROM ${this.database}.events_raw
            WHERE topic = {topic:String} AND partition = {partition:UInt32}
            ORDER BY topic, partition, offset DESC LIMIT 1)
          UNION ALL
          (SELECT max(last_offset) AS o FROM ${this.database}.kpi_buckets
            WHERE topic = {topic:String} AND partition = {partition:UInt32}
            GROUP BY topic, partition)
        )`,
      { topic, partition },
    )
    return row === undefined || toCount(row.n) === 0 ? null : BigInt(row.offset)
  }

  /**
   * The event ids of a partition received within `horizonMs` of its newest
   * receipt, oldest first; at most the newest `limit` of them (the processor's
   * ADPULSE_DEDUP_MAX_IDS). Anchored at the newest row rather than the clock, so
   * a backlog replayed days later is judged as it would have been on time.
   */
  async recentIds(
    topic: string,
    partition: number,
    horizonMs: number,
    limit = Number.MAX_SAFE_INTEGER,
  ): Promise<SeenEventId[]> {
    // An alias named received_at would shadow the column in WHERE: received_ms.
    const rows = await this.select(
      `SELECT source, reported_campaign_id AS campaign_id, event_id, toUnixTimestamp64Milli(received_at) AS received_ms
        FROM ${this.database}.events_raw
        WHERE topic = {topic:String} AND partition = {partition:UInt32}
          AND received_at >= (
            SELECT max(received_at) FROM ${this.database}.events_raw
            WHERE topic = {topic:String} AND partition = {partition:UInt32}
          ) - toIntervalMillisecond({horizon:UInt64})
        ORDER BY offset DESC LIMIT {limit:UInt64}`,
      { topic, partition, horizon: horizonMs, limit },
    )
    return rows.reverse().map(seenEventId)
  }

  /**
   * For those of `eventIds` that a partition counted with a receipt at or after
   * `sinceMs`: each (source, campaign_id, event_id) with its newest receipt. What
   * the processor asks when its capped dedup window may have forgotten a key.
   * One query per call; the caller matches source and campaign_id.
   */
  async lastReceipts(
    topic: string,
    partition: number,
    eventIds: readonly string[],
    sinceMs: number,
  ): Promise<SeenEventId[]> {
    if (eventIds.length === 0) return []
    const rows = await this.select(
      `SELECT source, reported_campaign_id AS campaign_id, event_id, toUnixTimestamp64Milli(max(received_at)) AS received_ms
        FROM ${this.database}.events_raw
        WHERE topic = {topic:String} AND partition = {partition:UInt32}
          AND received_at >= fromUnixTimestamp64Milli({since:Int64})
          AND event_id IN {ids:Array(String)}
        GROUP BY source, campaign_id, event_id`,
      { topic, partition, since: Math.max(0, Math.floor(sinceMs)), ids: eventIds },
    )
    return rows.map(seenEventId)
  }
}

const seenEventId = (row: Record<string, unknown>): SeenEventId => ({
  source: String(row.source),
  campaign_id: String(row.campaign_id),
  event_id: String(row.event_id),
  received_at: toCount(row.received_ms),
})
