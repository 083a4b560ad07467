import { testClickHouse, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AttributionStore } from './attribution-store.ts'
import { BucketRepair, DAY_MS } from './bucket-repair.ts'
import { type ClickHouseClient, createClickHouse } from './client.ts'
import { migrate } from './migrations.ts'
import { type RawEventRow, RawEventStore } from './raw-event-store.ts'

/**
 * events_raw with attribution against the test run's real ClickHouse: a waiting
 * conversion counts nowhere, its resolving row (at the same offset) once; a
 * resolution whose buckets a crash lost is repaired by its number; a rebuilt day
 * equals what the view streamed; the clicks index and the waiting list read back.
 */
describe('attribution in events_raw and kpi_buckets', () => {
  const database = uniqueName('adpulse_attr')
  const day = Date.UTC(2026, 10, 20)
  let client: ClickHouseClient
  let raw: RawEventStore
  let store: AttributionStore
  let repair: BucketRepair

  beforeAll(async () => {
    client = await createClickHouse(testClickHouse())
    await migrate(client, database)
    raw = new RawEventStore(client, database)
    store = new AttributionStore(client, database)
    repair = new BucketRepair(client, database)
  })
  afterAll(async () => {
    await client.command({ query: `DROP DATABASE IF EXISTS ${database}` })
    await client.close()
  })

  const row = (offset: number, over: Partial<RawEventRow> = {}): RawEventRow => ({
    event_id: `e${offset}`,
    source: 'test',
    type: 'conversion',
    occurred_at: day + offset * 60_000,
    channel: '',
    campaign_id: '',
    click_id: `k${offset}`,
    action: 'purchase',
    cost_micros: 0n,
    value_micros: 1_000_000n * BigInt(offset + 1),
    currency: 'USD',
    received_at: day + offset * 60_000,
    topic: 't',
    partition: 0,
    offset: String(offset),
    attribution: 'waiting',
    ...over,
  })
  const sums = async () => {
    const rows = await (
      await client.query({
        query: `SELECT channel, sum(conversions) AS n, toString(sum(revenue_micros)) AS revenue,
            sum(attributed_conversions) AS attributed
          FROM ${database}.kpi_buckets GROUP BY channel ORDER BY channel`,
        format: 'JSONEachRow',
      })
    ).json<Record<string, unknown>>()
    return rows.map((r) => [r.channel, Number(r.n), r.revenue, Number(r.attributed)])
  }
  const credited = (offset: number, resolution: number): RawEventRow =>
    row(offset, {
      channel: 'search',
      campaign_id: 'camp-1',
      reported_channel: '',
      reported_campaign_id: '',
      attribution: 'click',
      resolution,
    })

  it('counts a waiting conversion nowhere and its resolution once, and lists what still waits', async () => {
    await raw.insert([row(0), row(1), row(2)], 't/0/0-2')
    await raw.insert(
      [
        row(3, {
          type: 'click',
          channel: 'display',
          campaign_id: 'c',
          action: '',
          value_micros: 0n,
          attribution: '',
        }),
      ],
      't/0/3-3',
    )
    expect(await sums()).toEqual([['display', 0, '0', 0]])
    // A partition whose newest counted row is covered needs no repair, waiting rows above it or not.
    expect(await repair.repairTail('t', 0)).toBe(0)
    expect((await store.waiting('t', 0)).map((w) => [w.event_id, w.channel, w.click_id])).toEqual([
      ['e0', '', 'k0'],
      ['e1', '', 'k1'],
      ['e2', '', 'k2'],
    ])
    await raw.insert([credited(0, 1)], 'resolve/t/0/1')
    expect(await sums()).toEqual([
      ['display', 0, '0', 0],
      ['search', 1, '1000000', 1],
    ])
    expect((await store.waiting('t', 0)).map((w) => w.event_id)).toEqual(['e1', 'e2'])
    expect(await store.newestResolution('t', 0)).toBe(1)
    expect(await store.clicks(['k3', 'k9'])).toEqual([
      {
        event_id: 'e3',
        click_id: 'k3',
        occurred_at: day + 3 * 60_000,
        received_at: day + 3 * 60_000,
        channel: 'display',
        campaign_id: 'c',
        ad_id: null,
      },
    ])
  })

  it('repairs the buckets of a resolution that reached events_raw only, once', async () => {
    await client.command({ query: `DETACH TABLE ${database}.kpi_buckets_mv` })
    try {
      await raw.insert([credited(1, 2)], 'resolve/t/0/2')
    } finally {
      await client.command({ query: `ATTACH TABLE ${database}.kpi_buckets_mv` })
    }
    expect(await sums()).toEqual([
      ['display', 0, '0', 0],
      ['search', 1, '1000000', 1],
    ])
    expect(await repair.repairTail('t', 0)).toBe(1)
    expect(await repair.repairTail('t', 0)).toBe(0)
    const streamed = [
      ['display', 0, '0', 0],
      ['search', 2, '3000000', 2],
    ]
    expect(await sums()).toEqual(streamed)
    // A rebuilt day counts the same rows: the resolutions, not the waiting rows they resolve.
    expect(await repair.rebuildDay(day - (day % DAY_MS))).toMatchObject({ events: 3, attempts: 1 })
    expect(await sums()).toEqual(streamed)
  })
})
