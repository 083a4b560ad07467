import type { MinuteBucket } from '@adpulse/kpi'
import { testClickHouse, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ClickHouseClient, createClickHouse } from './client.ts'
import { KpiStore } from './kpi-store.ts'
import { migrate } from './migrations.ts'
import { type RawEventRow, RawEventStore } from './raw-event-store.ts'

/**
 * KpiStore and RawEventStore against the test run's real ClickHouse (server or
 * embedded chDB): sums are read from the buckets the materialized view makes of
 * raw events, plus directly imported minute buckets. (kpi_minute folded into
 * kpi_buckets: kpi-minute-fold.integration.test.ts.)
 */
describe('KpiStore', () => {
  const database = uniqueName('adpulse_store')
  let client: ClickHouseClient
  let store: KpiStore
  let raw: RawEventStore

  beforeAll(async () => {
    client = await createClickHouse(testClickHouse())
    expect(await migrate(client, database)).toBe(30)
    store = new KpiStore(client, database)
    raw = new RawEventStore(client, database)
  })

  afterAll(async () => {
    await client.command({ query: `DROP DATABASE IF EXISTS ${database}` })
    await client.close()
  })

  const minute = Date.UTC(2026, 10, 22, 10, 0)
  const bucket = (over: Partial<MinuteBucket>): MinuteBucket => ({
    minute,
    channel: 'search',
    campaign_id: 'c1',
    impressions: 10,
    clicks: 2,
    conversions: 1,
    spend_micros: 5_000_000n,
    revenue_micros: 9_000_000n,
    revenue_squares: 0,
    ...over,
  })
  const range = { from: minute, to: minute + 60_000 }

  it('migrations are idempotent', async () => {
    expect(await migrate(client, database)).toBe(0)
  })

  /** Raw events that add up to a bucket: its spend on the first, conversions of equal value. */
  const eventsOf = (b: MinuteBucket, partition: number, firstOffset: number): RawEventRow[] => {
    const types = [
      ...Array<'impression'>(b.impressions).fill('impression'),
      ...Array<'click'>(b.clicks).fill('click'),
      ...Array<'conversion'>(b.conversions).fill('conversion'),
    ]
    const value = b.conversions === 0 ? 0n : b.revenue_micros / BigInt(b.conversions)
    return types.map((type, i) => ({
      event_id: `${b.channel}-${b.campaign_id}-${partition}-${firstOffset + i}`,
      source: 'test',
      type,
      occurred_at: b.minute + i,
      channel: b.channel,
      campaign_id: b.campaign_id,
      action: type === 'conversion' ? 'purchase' : '',
      cost_micros: i === 0 ? b.spend_micros : 0n,
      value_micros: type === 'conversion' ? value : 0n,
      currency: 'USD',
      received_at: Date.now(),
      topic: 't',
      partition,
      offset: String(firstOffset + i),
    }))
  }
  const insertRaw = async (rows: RawEventRow[]) => {
    const first = rows[0]
    const last = rows[rows.length - 1]
    await raw.insert(rows, `t/${first?.partition}/${first?.offset}-${last?.offset}`)
  }

  it('counts a retried insert (same rows, same token) once, and reads the newest offset', async () => {
    expect(await raw.newestOffset('t', 0)).toBeNull()
    const rows = eventsOf(bucket({}), 0, 0)
    await insertRaw(rows)
    await insertRaw(rows)
    await insertRaw(eventsOf(bucket({ campaign_id: 'c2' }), 0, rows.length))
    expect(await store.sums(range, 'channel')).toEqual([
      {
        channel: 'search',
        impressions: 20,
        clicks: 4,
        conversions: 2,
        spend_micros: 10_000_000n,
        revenue_micros: 18_000_000n,
        revenue_squares: 2 * 9_000_000 ** 2,
      },
    ])
    expect((await store.sums(range, 'campaign')).map((r) => r.campaign_id)).toEqual(['c1', 'c2'])
    expect(await raw.newestOffset('t', 0)).toBe(BigInt(2 * rows.length - 1))
    expect(await raw.newestOffset('t', 9)).toBeNull()
  })

  it("reads the newest offset a partition's buckets cover from their projection", async () => {
    const explained = await client.query({
      query: `EXPLAIN SELECT max(last_offset) FROM ${database}.kpi_buckets WHERE topic = 't' AND partition = 0`,
      format: 'TabSeparated',
    })
    expect(await explained.text()).toMatch(/ReadFromMergeTree \(newest_offsets\)/)
    // As newestOffset asks it: grouped, so a partition without buckets is no row.
    const grouped = await client.query({
      query: `EXPLAIN SELECT max(last_offset) FROM ${database}.kpi_buckets
        WHERE topic = 't' AND partition = 0 GROUP BY topic, partition`,
      format: 'TabSeparated',
    })
    expect(await grouped.text()).toMatch(/ReadFromMergeTree \(newest_offsets\)/)
  })

  it('rebuilds the recent event ids of a partition, anchored at its newest receipt', async () => {
    // Receipt times within the retention: expired rows are the TTL's to drop.
    const base = Date.now() - 3 * 3_600_000
    const at = (offset: number, receivedAt: number, id: string): RawEventRow => ({
      ...(eventsOf(bucket({ clicks: 1, impressions: 0, conversions: 0 }), 5, offset)[0] as RawEventRow),
      event_id: id,
      received_at: receivedAt,
    })
    await insertRaw([at(0, base, 'old'), at(1, base + 3_600_000, 'mid'), at(2, base + 7_200_000, 'new')])
    const ids = await raw.recentIds('t', 5, 3_600_000)
    expect(ids.map((i) => [i.event_id, i.received_at])).toEqual([
      ['mid', base + 3_600_000],
      ['new', base + 7_200_000],
    ])
  })

  it('adds directly imported minute buckets (kpi_buckets, as kpi_minute was) to the raw events', async () => {
    await store.insertBuckets([bucket({ channel: 'imported' })], {
      topic: 'history',
      partition: 0,
      firstOffset: '0',
      lastOffset: '9',
    })
    await store.insertBuckets([bucket({ channel: 'imported' })], {
      topic: 'history',
      partition: 0,
      firstOffset: '0',
      lastOffset: '9',
    })
    await insertRaw(eventsOf(bucket({ channel: 'imported' }), 6, 0))
    const [row] = (await store.sums(range, 'channel')).filter((r) => r.channel === 'imported')
    expect(row).toMatchObject({ impressions: 20, clicks: 4, conversions: 2, spend_micros: 10_000_000n })
    // A partition written by buckets only resumes after their last offset.
    expect(await raw.newestOffset('history', 0)).toBe(9n)
  })

  it('keeps sums exact past 2^64 micros', async () => {
    const big = 2n ** 63n - 1n
    for (let i = 0; i < 4; i++) {
      await insertRaw(
        eventsOf(
          bucket({ channel: 'rial', spend_micros: big, revenue_micros: big, conversions: 1 }),
          1,
          i * 20,
        ),
      )
    }
    const [row] = (await store.sums(range, 'channel')).filter((r) => r.channel === 'rial')
    expect(row?.spend_micros).toBe(4n * big)
    expect(row?.spend_micros).toBeGreaterThan(2n ** 64n)
  })

  it('leaves buckets outside the range out', async () => {
    expect(await store.sums({ from: minute + 60_000, to: minute + 120_000 }, 'channel')).toEqual([])
  })

  it('adds minute buckets into days of Asia/Tehran (+03:30) exactly as a reference does', async () => {
    // One bucket every 7 minutes over three UTC days, spend i micros each: the
    // Tehran days start at 20:30 UTC, so UTC days and Tehran days differ.
    const start = Date.UTC(2026, 2, 1, 0, 0)
    const buckets: MinuteBucket[] = []
    for (let i = 0; i < (3 * 24 * 60) / 7; i++) {
      buckets.push(
        bucket({
          channel: 'tehran',
          minute: start + i * 7 * 60_000,
          spend_micros: BigInt(i),
          clicks: 1,
          impressions: 0,
          conversions: 0,
        }),
      )
    }
    await insertRaw(buckets.flatMap((b, i) => eventsOf(b, 2, i * 100)))

    // Reference: the Tehran calendar day of each bucket, by adding the fixed +03:30 offset (no DST since 2022).
    const reference = new Map<number, { clicks: number; spend: bigint }>()
    for (const b of buckets) {
      const local = b.minute + 210 * 60_000
      const dayStartUtc = Math.floor(local / 86_400_000) * 86_400_000 - 210 * 60_000
      const entry = reference.get(dayStartUtc) ?? { clicks: 0, spend: 0n }
      entry.clicks += b.clicks
      entry.spend += b.spend_micros
      reference.set(dayStartUtc, entry)
    }
    const rows = await store.sums({ from: start, to: start + 3 * 86_400_000 }, 'channel', {
      unit: 'day',
      timeZone: 'Asia/Tehran',
    })
    const days = rows.filter((r) => r.channel === 'tehran')
    expect(days.map((r) => [r.bucket_start, { clicks: r.clicks, spend: r.spend_micros }])).toEqual([
      ...reference,
    ])
    expect(days.map((r) => new Date(r.bucket_start ?? 0).toISOString())).toEqual([
      '2026-02-28T20:30:00.000Z',
      '2026-03-01T20:30:00.000Z',
      '2026-03-02T20:30:00.000Z',
      '2026-03-03T20:30:00.000Z',
    ])
    // and the days add up to the whole range
    expect(days.reduce((sum, r) => sum + r.spend_micros, 0n)).toBe(
      buckets.reduce((sum, b) => sum + b.spend_micros, 0n),
    )
  })

  it('buckets by hour in UTC', async () => {
    const rows = await store.sums({ from: minute, to: minute + 3_600_000 }, 'channel', {
      unit: 'hour',
      timeZone: 'UTC',
    })
    expect(rows.filter((r) => r.channel === 'search').map((r) => [r.bucket_start, r.impressions])).toEqual([
      [minute, 20],
    ])
  })
})
