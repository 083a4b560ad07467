import type { ClickHouseClient } from '@clickhouse/client'
import { BUCKETS, type BucketShape, insertBuckets } from './bucket-shapes.ts'
import { toCount } from './client.ts'
import { DatabaseStore } from './database-store.ts'
import { copyForgottenBuckets } from './forgotten-buckets.ts'

export const DAY_MS = 86_400_000

/** What one day's rebuild did. */
export interface DayRebuilt {
  /** Start of the UTC day, epoch ms. */
  day: number
  /** Events of the day now summarised by its buckets: those in events_raw, and forgotten people's (kpi_forgotten). */
  events: number
  /** Bucket rows written (0: the day has no raw events, its buckets were dropped). */
  buckets: number
  /** Rebuilds needed until the buckets matched the raw events (more than 1: events arrived meanwhile). */
  attempts: number
}

/** Sums of one day, as both tables can answer them: equal when the buckets are true to the events. */
interface DayTotals {
  events: number
  spend: string
  revenue: string
}

const MAX_ATTEMPTS = 10

/** A test's way into a rebuild: what happens right after the day's buckets were staged. */
export interface RebuildHooks {
  afterStaging?(attempt: number): Promise<void>
}

/**
 * Keeps kpi_buckets true to events_raw. The materialized view fills the buckets
 * in the same INSERT as the raw rows, but ClickHouse commits the two tables'
 * parts one after the other: a process killed in between leaves raw rows
 * without their buckets. `repairTail` finds and fills that gap for one Kafka
 * partition; `rebuildDay` recomputes a whole UTC day (`adpulse rebuild`).
 */
export class BucketRepair extends DatabaseStore {
  /**
   * `shape`: the buckets' SELECT; the current one but while migrate() backfills
   * kpi_buckets of version 1, a schema before kpi_forgotten (so `forgotten`
   * false: no one can have been forgotten yet).
   */
  constructor(
    client: ClickHouseClient,
    database: string,
    private readonly shape: BucketShape = BUCKETS,
    private readonly forgotten = true,
  ) {
    super(client, database)
  }

  /**
   * Re-summarises the raw rows of a partition newer than the newest offset its
   * buckets cover. Run by the partition's only writer before its first insert,
   * so nothing else writes the partition meanwhile. The insert token names the
   * offset range, so a repair cut short and repeated is not counted twice.
   * Returns how many raw events were re-summarised.
   */
  async repairTail(topic: string, partition: number): Promise<number> {
    const params = { topic, partition }
    const [raw] = await this.select<{ newest: string }>(
      // ORDER BY … DESC LIMIT 1 on the sorting key reads only the last granule.
      // (An alias named offset would be what ORDER BY sorts: as strings.)
      `SELECT toString(offset) AS newest FROM ${this.database}.events_raw
        WHERE topic = {topic:String} AND partition = {partition:UInt32}${this.andCounted}
        ORDER BY topic, partition, offset DESC LIMIT 1`,
      params,
    )
    if (raw === undefined) return this.repairResolutions(topic, partition)
    // Answered from the newest_offsets projection, not by scanning the buckets.
    const [summarised] = await this.select<{ newest: string; n: unknown }>(
      `SELECT toString(max(last_offset)) AS newest, count() AS n FROM ${this.database}.kpi_buckets
        WHERE topic = {topic:String} AND partition = {partition:UInt32}`,
      params,
    )
    const covered = summarised === undefined || toCount(summarised.n) === 0 ? -1n : BigInt(summarised.newest)
    if (covered >= BigInt(raw.newest)) return this.repairResolutions(topic, partition)
    const where = `WHERE topic = {topic:String} AND partition = {partition:UInt32} AND offset > {covered:Int64}${this.andCounted}`
    const [gap] = await this.select<{ n: unknown }>(
      `SELECT count() AS n FROM ${this.database}.events_raw ${where}`,
      { ...params, covered: covered.toString() },
    )
    await this.client.command({
      query: insertBuckets(this.shape, this.database, `${this.database}.kpi_buckets`, where),
      query_params: { ...params, covered: covered.toString() },
      clickhouse_settings: {
        insert_deduplication_token: `repair/${topic}/${partition}/${covered}-${raw.newest}`,
        insert_deduplicate: 1,
      },
    })
    return toCount(gap?.n) + (await this.repairResolutions(topic, partition))
  }

  /** ` AND ` the shape's condition of counted rows, or nothing. */
  private get andCounted(): string {
    return this.shape.counted === undefined ? '' : ` AND ${this.shape.counted}`
  }

  /**
   * The rows resolving waiting conversions (attribution) carry offsets the
   * buckets already cover, so the offset cannot tell whether the last such
   * insert reached the buckets; its `resolution` number can: resolutions of a
   * partition are written one at a time, numbered upwards, so only the newest
   * can miss its buckets. Those rows are summarised again when it does.
   */
  private async repairResolutions(topic: string, partition: number): Promise<number> {
    if (this.shape.counted === undefined) return 0
    const params = { topic, partition }
    const [row] = await this.select<{ raw: string; summarised: string }>(
      `SELECT toString((SELECT max(resolution) FROM ${this.database}.events_raw
            WHERE topic = {topic:String} AND partition = {partition:UInt32})) AS raw,
          toString((SELECT max(last_resolution) FROM ${this.database}.kpi_buckets
            WHERE topic = {topic:String} AND partition = {partition:UInt32})) AS summarised`,
      params,
    )
    const covered = BigInt(row?.summarised ?? '0')
    if (covered >= BigInt(row?.raw ?? '0')) return 0
    const where = `WHERE topic = {topic:String} AND partition = {partition:UInt32} AND resolution > {covered:UInt64}`
    const query = { ...params, covered: covered.toString() }
    const [gap] = await this.select<{ n: unknown }>(
      `SELECT count() AS n FROM ${this.database}.events_raw ${where}`,
      query,
    )
    await this.client.command({
      query: insertBuckets(this.shape, this.database, `${this.database}.kpi_buckets`, where),
      query_params: query,
      clickhouse_settings: {
        insert_deduplication_token: `repair-resolution/${topic}/${partition}/${covered}-${row?.raw}`,
        insert_deduplicate: 1,
      },
    })
    return toCount(gap?.n)
  }

  /**
   * Recomputes the buckets of one UTC day from events_raw: builds them in a
   * staging table and swaps the day's partition in one step (REPLACE PARTITION),
   * so readers see the old buckets or the new, never a gap. A processor may
   * insert late events of the day meanwhile, and a swap can drop the buckets of
   * such an insert; so the day's totals are compared in both tables afterwards
   * and the day rebuilt again until they agree. Idempotent: a second run
   * writes the same buckets.
   */
  async rebuildDay(day: number, hooks: RebuildHooks = {}): Promise<DayRebuilt> {
    if (day % DAY_MS !== 0) throw new Error(`not the start of a UTC day: ${new Date(day).toISOString()}`)
    const staging = `${this.database}.kpi_buckets_rebuild_${Date.now()}_${Math.floor(Math.random() * 1e9)}`
    const partitionId = new Date(day).toISOString().slice(0, 10).replaceAll('-', '')
    const params = { from: day / 1000, to: (day + DAY_MS) / 1000 }
    await this.client.command({ query: `CREATE TABLE ${staging} AS ${this.database}.kpi_buckets` })
    try {
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        await this.client.command({ query: `TRUNCATE TABLE ${staging}` })
        await this.client.command({
          query: insertBuckets(
            this.shape,
            this.database,
            staging,
            `WHERE occurred_at >= toDateTime({from:UInt32}, 'UTC') AND occurred_at < toDateTime({to:UInt32}, 'UTC')`,
          ),
          query_params: params,
        })
        // The sums of forgotten people's events stay: their raw rows are gone, their buckets kept aside.
        if (this.forgotten) {
          await this.client.command({
            query: copyForgottenBuckets(this.shape, this.database, staging, DAY_OF_BUCKETS),
            query_params: params,
          })
        }
        await hooks.afterStaging?.(attempt)
        const [built] = await this.select<{ n: unknown }>(`SELECT count() AS n FROM ${staging}`)
        const buckets = toCount(built?.n)
        // REPLACE refuses an empty source: a day without raw events has no buckets.
        await this.client.command({
          query:
            buckets === 0
              ? `ALTER TABLE ${this.database}.kpi_buckets DROP PARTITION ID '${partitionId}'`
              : `ALTER TABLE ${this.database}.kpi_buckets REPLACE PARTITION ID '${partitionId}' FROM ${staging}`,
        })
        const agreed = await this.agreeingTotals(params)
        if (agreed !== undefined) return { day, events: agreed.events, buckets, attempts: attempt }
      }
      throw new Error(
        `the buckets of ${new Date(day).toISOString().slice(0, 10)} still differ from events_raw after ` +
          `${MAX_ATTEMPTS} rebuilds: events of that day keep arriving; run the rebuild again`,
      )
    } finally {
      await this.client.command({ query: `DROP TABLE IF EXISTS ${staging}` })
    }
  }

  /** The UTC days (epoch ms) that events_raw holds events of, oldest first. */
  async daysWithRawEvents(): Promise<number[]> {
    const rows = await this.select<{ day: unknown }>(
      `SELECT DISTINCT toUnixTimestamp(toStartOfDay(occurred_at, 'UTC')) AS day
        FROM ${this.database}.events_raw ORDER BY day`,
      {},
    )
    return rows.map((r) => toCount(r.day) * 1000)
  }

  /**
   * The day's totals when events_raw and kpi_buckets agree on them. An insert
   * that lands meanwhile commits its two tables' parts one after the other, so
   * a difference is read again once before it counts.
   */
  private async agreeingTotals(params: { from: number; to: number }): Promise<DayTotals | undefined> {
    for (let read = 0; read < 2; read++) {
      if (read > 0) await new Promise((resolve) => setTimeout(resolve, 200))
      const [raw, summarised] = await Promise.all([this.sourceTotals(params), this.bucketTotals(params)])
      if (sameTotals(raw, summarised)) return raw
    }
    return undefined
  }

  /** What the day's buckets must sum to: its raw events, and the forgotten ones' buckets. */
  private async sourceTotals(params: { from: number; to: number }): Promise<DayTotals> {
    const raw = await this.rawTotals(params)
    return this.forgotten ? addTotals(raw, await this.bucketTotals(params, 'kpi_forgotten')) : raw
  }

  private async rawTotals(params: { from: number; to: number }): Promise<DayTotals> {
    const [row] = await this.select<Record<string, unknown>>(
      `SELECT count() AS events, toString(sum(cost_micros)) AS spend, toString(sum(value_micros)) AS revenue
        FROM ${this.database}.events_raw
        WHERE occurred_at >= toDateTime({from:UInt32}, 'UTC') AND occurred_at < toDateTime({to:UInt32}, 'UTC')${this.andCounted}`,
      params,
    )
    return totals(row)
  }

  /** The day's totals in a table of buckets (kpi_buckets, kpi_forgotten). */
  private async bucketTotals(
    params: { from: number; to: number },
    table = 'kpi_buckets',
  ): Promise<DayTotals> {
    const [row] = await this.select<Record<string, unknown>>(
      `SELECT sum(${this.shape.events}) AS events, toString(sum(spend_micros)) AS spend,
          toString(sum(revenue_micros)) AS revenue
        FROM ${this.database}.${table} ${DAY_OF_BUCKETS}`,
      params,
    )
    return totals(row)
  }
}

const DAY_OF_BUCKETS = `WHERE minute >= toDateTime({from:UInt32}, 'UTC') AND minute < toDateTime({to:UInt32}, 'UTC')`

/** Both totals added: the raw events left and the forgotten ones' buckets. */
const addTotals = (a: DayTotals, b: DayTotals): DayTotals => ({
  events: a.events + b.events,
  spend: (BigInt(a.spend) + BigInt(b.spend)).toString(),
  revenue: (BigInt(a.revenue) + BigInt(b.revenue)).toString(),
})

const totals = (row: Record<string, unknown> | undefined): DayTotals => ({
  events: toCount(row?.events ?? 0),
  spend: String(row?.spend ?? '0'),
  revenue: String(row?.revenue ?? '0'),
})

const sameTotals = (a: DayTotals, b: DayTotals): boolean =>
  a.events === b.events && a.spend === b.spend && a.revenue === b.revenue
