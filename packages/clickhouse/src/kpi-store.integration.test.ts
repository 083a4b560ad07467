import type { MinuteBucket } from '@adpulse/kpi'
import { uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { type ClickHouseClient, createClickHouse } from './client.ts'
import { KpiStore } from './kpi-store.ts'
import { migrate } from './migrations.ts'

/** KpiStore against the test run's real ClickHouse (server or embedded chDB). */
describe('KpiStore', () => {
  const database = uniqueName('adpulse_store')
  let client: ClickHouseClient
  let store: KpiStore

  beforeAll(async () => {
    const url = inject('clickhouseUrl')
    client = await createClickHouse({
      url: url === '' ? undefined : url,
      user: inject('clickhouseUser'),
      password: inject('clickhousePassword'),
      chdbPath: inject('chdbPath'),
    })
    expect(await migrate(client, database)).toBe(6)
    store = new KpiStore(client, database)
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

  it('counts a replayed offset range once', async () => {
    const source = { topic: 't', partition: 0, firstOffset: '0', lastOffset: '9' }
    await store.insertBuckets([bucket({})], source)
    await store.insertBuckets([bucket({})], source)
    await store.insertBuckets([bucket({ campaign_id: 'c2' })], {
      ...source,
      firstOffset: '10',
      lastOffset: '12',
    })
    expect(await store.sums(range, 'channel')).toEqual([
      {
        channel: 'search',
        impressions: 20,
        clicks: 4,
        conversions: 2,
        spend_micros: 10_000_000n,
        revenue_micros: 18_000_000n,
        revenue_squares: 0,
      },
    ])
    expect((await store.sums(range, 'campaign')).map((r) => r.campaign_id)).toEqual(['c1', 'c2'])
  })

  it('keeps sums exact past 2^64 micros', async () => {
    const big = 2n ** 63n - 1n
    for (let i = 0; i < 4; i++) {
      await store.insertBuckets([bucket({ channel: 'rial', spend_micros: big, revenue_micros: big })], {
        topic: 't',
        partition: 1,
        firstOffset: String(i),
        lastOffset: String(i),
      })
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
        bucket({ channel: 'tehran', minute: start + i * 7 * 60_000, spend_micros: BigInt(i), clicks: 1 }),
      )
    }
    await store.insertBuckets(buckets, { topic: 't', partition: 2, firstOffset: '0', lastOffset: '0' })

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
