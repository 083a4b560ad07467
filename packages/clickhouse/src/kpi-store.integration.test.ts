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
    expect(await migrate(client, database)).toBe(2)
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
})
