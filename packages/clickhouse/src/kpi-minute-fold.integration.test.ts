import type { MinuteBucket, PricedEvent } from '@adpulse/kpi'
import { aggregateMinuteBuckets, testClickHouse, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertRowsBeforeIds } from '../test/raw-events-before-ids.ts'
import { type ClickHouseClient, createClickHouse } from './client.ts'
import { type KpiGrouping, KpiStore, type KpiSumsRow } from './kpi-store.ts'
import { migrate, schemaStatements } from './migrations.ts'
import { type RawEventRow, RawEventStore } from './raw-event-store.ts'

/** The last version with kpi_minute: step 13 folds it into kpi_buckets. */
const LEGACY_VERSION = 12
const DAY = Date.UTC(2026, 10, 20)
const TOPIC = 'events'

/**
 * An upgrade from a database that has kpi_minute rows (buckets written by a
 * processor before events_raw, and imported ones) next to raw events: the
 * migration keeps every sum, in kpi_buckets, and the resume offsets, and drops
 * kpi_minute; a migration cut short is finished by the next. The expected sums
 * come from the test oracle (aggregateMinuteBuckets) over the events written.
 */
describe('kpi_minute folded into kpi_buckets', () => {
  let client: ClickHouseClient

  beforeAll(async () => {
    client = await createClickHouse(testClickHouse())
  })

  afterAll(async () => {
    await client.close()
  })

  /** Priced events over two UTC days (two kpi_buckets partitions), two channels, three campaigns. */
  const events = (count: number, seed: number): PricedEvent[] =>
    Array.from({ length: count }, (_, i) => {
      const n = i + seed
      const type = (['impression', 'impression', 'click', 'conversion'] as const)[n % 4] ?? 'impression'
      return {
        type,
        occurred_at: DAY + (n % 2) * 86_400_000 + (n % 7) * 60_000 + (n % 1000),
        channel: n % 3 === 0 ? 'search' : 'display',
        campaign_id: `c${n % 3}`,
        cost_micros: BigInt(1_000 + (n % 13) * 17),
        value_micros: type === 'conversion' ? BigInt(5_000_000 + n) : 0n,
      }
    })

  /** A database as version 12 left it: the published steps up to then, run as they were. */
  async function legacyDatabase(): Promise<string> {
    const database = uniqueName('adpulse_fold')
    for (const query of schemaStatements(database).slice(0, 2 + LEGACY_VERSION))
      await client.command({ query })
    await client.insert({
      table: `${database}.schema_migrations`,
      values: Array.from({ length: LEGACY_VERSION }, (_, i) => ({ version: i + 1 })),
      format: 'JSONEachRow',
    })
    return database
  }

  /** What the processor of a version before events_raw wrote: a kpi_minute insert per offset range. */
  async function insertLegacyBuckets(
    database: string,
    buckets: MinuteBucket[],
    partition: number,
    last: number,
  ) {
    await client.insert({
      table: `${database}.kpi_minute`,
      format: 'JSONEachRow',
      values: buckets.map((b) => ({
        minute: Math.floor(b.minute / 1000),
        channel: b.channel,
        campaign_id: b.campaign_id,
        impressions: b.impressions,
        clicks: b.clicks,
        conversions: b.conversions,
        spend_micros: b.spend_micros.toString(),
        revenue_micros: b.revenue_micros.toString(),
        revenue_squares: b.revenue_squares,
        source_topic: TOPIC,
        source_partition: partition,
        first_offset: 0,
        last_offset: last,
      })),
      clickhouse_settings: { insert_deduplication_token: `${TOPIC}/${partition}/0-${last}` },
    })
  }

  const rawOf = (e: PricedEvent, partition: number, offset: number): RawEventRow => ({
    event_id: `e-${partition}-${offset}`,
    source: 'test',
    type: e.type,
    occurred_at: e.occurred_at,
    channel: e.channel,
    campaign_id: e.campaign_id,
    action: e.type === 'conversion' ? 'purchase' : '',
    cost_micros: e.cost_micros,
    value_micros: e.value_micros,
    currency: 'USD',
    received_at: Date.now(),
    topic: TOPIC,
    partition,
    offset: String(offset),
  })

  /**
   * Writes the history of an upgraded database: partitions 0 and 1 as buckets of
   * the old processor (partition 0's range twice, as a retry), then partition 0
   * on as raw events from offset 300. Returns every event written.
   */
  async function writeHistory(database: string): Promise<PricedEvent[]> {
    const legacy0 = events(300, 0)
    const legacy1 = events(200, 1000)
    await insertLegacyBuckets(database, aggregateMinuteBuckets(legacy0), 0, 299)
    await insertLegacyBuckets(database, aggregateMinuteBuckets(legacy0), 0, 299)
    await insertLegacyBuckets(database, aggregateMinuteBuckets(legacy1), 1, 199)
    const streamed = events(250, 5000)
    // As the processor of version 12 wrote them: events_raw had no id columns yet (16).
    await insertRowsBeforeIds(
      client,
      database,
      streamed.map((e, i) => rawOf(e, 0, 300 + i)),
      `${TOPIC}/0/300-549`,
    )
    return [...legacy0, ...legacy1, ...streamed]
  }

  /** The oracle's sums by channel or campaign, shaped as KpiStore.sums answers. */
  function expectedSums(all: PricedEvent[], by: KpiGrouping): KpiSumsRow[] {
    const sums = new Map<string, KpiSumsRow>()
    for (const b of aggregateMinuteBuckets(all)) {
      const key = by === 'campaign' ? `${b.channel}/${b.campaign_id}` : b.channel
      const row = sums.get(key) ?? {
        channel: b.channel,
        ...(by === 'campaign' ? { campaign_id: b.campaign_id } : {}),
        impressions: 0,
        clicks: 0,
        conversions: 0,
        spend_micros: 0n,
        revenue_micros: 0n,
        revenue_squares: 0,
      }
      row.impressions += b.impressions
      row.clicks += b.clicks
      row.conversions += b.conversions
      row.spend_micros += b.spend_micros
      row.revenue_micros += b.revenue_micros
      row.revenue_squares += b.revenue_squares
      sums.set(key, row)
    }
    return [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, row]) => row)
  }

  const range = { from: DAY, to: DAY + 2 * 86_400_000 }
  /** revenue_squares is a double summed in another order: compared to 1e-12 relative. */
  async function expectSums(database: string, all: PricedEvent[]) {
    const store = new KpiStore(client, database)
    for (const by of ['channel', 'campaign'] as const) {
      const stored = await store.sums(range, by)
      const expected = expectedSums(all, by)
      expect(stored.map(({ revenue_squares, ...exact }) => exact)).toEqual(
        expected.map(({ revenue_squares, ...exact }) => exact),
      )
      stored.forEach((row, i) => {
        expect(row.revenue_squares / (expected[i]?.revenue_squares ?? 0)).toBeCloseTo(1, 12)
      })
    }
  }

  const tablesOf = async (database: string): Promise<string[]> => {
    const result = await client.query({
      query: `SELECT name FROM system.tables WHERE database = {db:String} AND name LIKE 'kpi_minute%' ORDER BY name`,
      query_params: { db: database },
      format: 'JSONEachRow',
    })
    return (await result.json<{ name: string }>()).map((r) => r.name)
  }

  it('keeps every sum and the resume offsets, in kpi_buckets, and drops kpi_minute', async () => {
    const database = await legacyDatabase()
    try {
      const all = await writeHistory(database)
      expect(await tablesOf(database)).toEqual(['kpi_minute'])

      // The fold (13), the writer fence (14, 15), the ids of events_raw (16), the buckets' detail (17, 18), the signals' ad (19).
      expect(await migrate(client, database)).toBe(18)
      expect(await tablesOf(database)).toEqual([])
      await expectSums(database, all)
      const raw = new RawEventStore(client, database)
      // Partition 1 was last written by the old processor: it resumes after its last bucket.
      expect(await raw.newestOffset(TOPIC, 1)).toBe(199n)
      expect(await raw.newestOffset(TOPIC, 0)).toBe(549n)
      expect(await raw.newestOffset(TOPIC, 2)).toBeNull()

      expect(await migrate(client, database)).toBe(0)
      await expectSums(database, all)
    } finally {
      await client.command({ query: `DROP DATABASE IF EXISTS ${database}` })
    }
  })

  it('finishes a fold cut short, counting no bucket twice', async () => {
    for (const cutAt of ['INSERT INTO', 'MOVE PARTITION']) {
      const database = await legacyDatabase()
      try {
        const all = await writeHistory(database)
        // The real client, killed at the first statement that contains `cutAt`
        // (for the moves: after the first of the two days moved).
        let seen = 0
        const killed = new Proxy(client, {
          get(target, property) {
            if (property === 'command') {
              return async (params: Parameters<ClickHouseClient['command']>[0]) => {
                if (params.query.includes('kpi_minute_fold') && params.query.includes(cutAt)) {
                  seen++
                  if (seen === (cutAt === 'MOVE PARTITION' ? 2 : 1)) throw new Error(`killed at ${cutAt}`)
                }
                return target.command(params)
              }
            }
            const value = Reflect.get(target, property)
            return typeof value === 'function' ? value.bind(target) : value
          },
        })
        await expect(migrate(killed, database)).rejects.toThrow(`killed at ${cutAt}`)
        expect(await migrate(client, database)).toBe(18)
        expect(await tablesOf(database)).toEqual([])
        await expectSums(database, all)
        expect(await new RawEventStore(client, database).newestOffset(TOPIC, 1)).toBe(199n)
      } finally {
        await client.command({ query: `DROP DATABASE IF EXISTS ${database}` })
      }
    }
  })
})
