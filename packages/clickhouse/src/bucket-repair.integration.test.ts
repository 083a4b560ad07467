import { testClickHouse, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BucketRepair, DAY_MS } from './bucket-repair.ts'
import { type ClickHouseClient, createClickHouse } from './client.ts'
import { KpiStore } from './kpi-store.ts'
import { migrate } from './migrations.ts'
import { type RawEventRow, RawEventStore } from './raw-event-store.ts'

/**
 * kpi_buckets against the test run's real ClickHouse: the view keeps them equal
 * to events_raw, a lost view insert is repaired, a day is rebuilt (also while
 * events of it arrive), and an upgrade backfills them. Every expectation is a
 * reference summed here from the rows written.
 */
describe('kpi_buckets', () => {
  const database = uniqueName('adpulse_buckets')
  const day = Date.UTC(2026, 10, 20)
  let client: ClickHouseClient
  let raw: RawEventStore
  let kpis: KpiStore
  let repair: BucketRepair
  /** Every row written to events_raw, for the references. */
  const written: RawEventRow[] = []
  let nextOffset = 0

  beforeAll(async () => {
    client = await createClickHouse(testClickHouse())
    await migrate(client, database)
    raw = new RawEventStore(client, database)
    kpis = new KpiStore(client, database)
    repair = new BucketRepair(client, database)
  })

  afterAll(async () => {
    await client.command({ query: `DROP DATABASE IF EXISTS ${database}` })
    await client.close()
  })

  /** `count` events of partition 0 spread over the given day, cost and value varying with the offset. */
  const events = (count: number, on = day): RawEventRow[] =>
    Array.from({ length: count }, () => {
      const offset = nextOffset++
      const type = (['impression', 'click', 'conversion'] as const)[offset % 3] ?? 'click'
      return {
        event_id: `e${offset}`,
        source: 'test',
        type,
        occurred_at: on + ((offset * 7919) % 1440) * 60_000 + (offset % 60) * 1000,
        channel: offset % 2 === 0 ? 'search' : 'display',
        campaign_id: `c${offset % 5}`,
        action: type === 'conversion' ? 'purchase' : '',
        cost_micros: BigInt(offset * 1_000 + 1),
        value_micros: type === 'conversion' ? 2n ** 62n + BigInt(offset) : 0n,
        currency: 'USD',
        received_at: Date.now(),
        topic: 't',
        partition: 0,
        offset: String(offset),
      }
    })
  const insert = async (rows: RawEventRow[]) => {
    await raw.insert(rows, `t/0/${rows[0]?.offset}-${rows[rows.length - 1]?.offset}`)
    written.push(...rows)
  }

  /** Per campaign over the day: [campaign, impressions, clicks, conversions, spend, revenue]. */
  const reference = (on = day) => {
    const sums = new Map<string, [number, number, number, bigint, bigint]>()
    for (const r of written.filter((w) => w.occurred_at >= on && w.occurred_at < on + DAY_MS)) {
      const key = `${r.channel}/${r.campaign_id}`
      const s = sums.get(key) ?? [0, 0, 0, 0n, 0n]
      if (r.type === 'impression') s[0]++
      if (r.type === 'click') s[1]++
      if (r.type === 'conversion') s[2]++
      s[3] += r.cost_micros
      s[4] += r.value_micros
      sums.set(key, s)
    }
    return [...sums].sort(([a], [b]) => a.localeCompare(b)).map(([key, s]) => [key, ...s])
  }
  const stored = async (on = day) =>
    (await kpis.sums({ from: on, to: on + DAY_MS }, 'campaign')).map((r) => [
      `${r.channel}/${r.campaign_id}`,
      r.impressions,
      r.clicks,
      r.conversions,
      r.spend_micros,
      r.revenue_micros,
    ])

  it('follows events_raw through the view, a retried insert counted once', async () => {
    const rows = events(300)
    await insert(rows)
    await raw.insert(rows, `t/0/${rows[0]?.offset}-${rows[rows.length - 1]?.offset}`)
    expect(await stored()).toEqual(reference())
    expect(await repair.repairTail('t', 0)).toBe(0)
  })

  it('repairs the buckets of an insert that reached events_raw only', async () => {
    // The view detached: the insert lands in events_raw alone, as when a process dies between the two commits.
    await client.command({ query: `DETACH TABLE ${database}.kpi_buckets_mv` })
    try {
      await insert(events(120))
    } finally {
      await client.command({ query: `ATTACH TABLE ${database}.kpi_buckets_mv` })
    }
    expect(await stored()).not.toEqual(reference())
    expect(await repair.repairTail('t', 0)).toBe(120)
    expect(await stored()).toEqual(reference())
    // Repeated: nothing left to repair, nothing doubled.
    expect(await repair.repairTail('t', 0)).toBe(0)
    expect(await stored()).toEqual(reference())
    expect(await repair.repairTail('t', 7)).toBe(0)
  })

  it('rebuilds a day whose buckets were damaged, and a second run changes nothing', async () => {
    await client.command({
      query: `ALTER TABLE ${database}.kpi_buckets DELETE WHERE campaign_id = 'c1'`,
      clickhouse_settings: { mutations_sync: '2' },
    })
    await client.insert({
      table: `${database}.kpi_buckets`,
      format: 'JSONEachRow',
      values: [
        { minute: day / 1000 + 60, channel: 'bogus', campaign_id: 'x', topic: 't', partition: 0, clicks: 9 },
      ],
    })
    expect(await stored()).not.toEqual(reference())
    const first = await repair.rebuildDay(day)
    expect(first).toMatchObject({ day, events: 420, attempts: 1 })
    expect(await stored()).toEqual(reference())
    const again = await repair.rebuildDay(day)
    expect(again).toMatchObject({ events: 420, buckets: first.buckets })
    expect(await stored()).toEqual(reference())
    // The day before holds no raw events: a rebuild drops whatever buckets it had.
    await client.insert({
      table: `${database}.kpi_buckets`,
      format: 'JSONEachRow',
      values: [
        {
          minute: (day - DAY_MS) / 1000,
          channel: 'bogus',
          campaign_id: 'x',
          topic: 't',
          partition: 0,
          clicks: 1,
        },
      ],
    })
    expect(await repair.rebuildDay(day - DAY_MS)).toMatchObject({ events: 0, buckets: 0 })
    expect(await stored(day - DAY_MS)).toEqual([])
  })

  it('rebuilds again when events of the day land between staging and swap', async () => {
    // Their buckets, written by the view, are swapped out with the old partition:
    // the check after the swap sees the difference and the next attempt includes them.
    const result = await repair.rebuildDay(day, {
      afterStaging: async (attempt) => {
        if (attempt === 1) await insert(events(40))
      },
    })
    expect(result).toMatchObject({ events: 460, attempts: 2 })
    expect(await stored()).toEqual(reference())
  })

  it('backfills the buckets of an older database from its raw events when it is upgraded', async () => {
    const old = uniqueName('adpulse_upgrade')
    await migrate(client, old)
    try {
      const before = new RawEventStore(client, old)
      const rows = written.slice(0, 200).map((r) => ({ ...r, occurred_at: r.occurred_at + DAY_MS }))
      // Version 7 had no buckets table: take it away, write events, and upgrade.
      await client.command({ query: `DROP TABLE ${old}.kpi_buckets_mv` })
      await client.command({ query: `DROP TABLE ${old}.kpi_buckets` })
      await client.command({
        query: `ALTER TABLE ${old}.schema_migrations DELETE WHERE version > 7`,
        clickhouse_settings: { mutations_sync: '2' },
      })
      await before.insert(rows, 'upgrade/0-199')
      expect(await migrate(client, old)).toBe(23)
      const sums = await new KpiStore(client, old).sums({ from: day, to: day + 3 * DAY_MS }, 'channel')
      const spend = rows.reduce((sum, r) => sum + r.cost_micros, 0n)
      expect(sums.reduce((sum, r) => sum + r.spend_micros, 0n)).toBe(spend)
      expect(sums.reduce((sum, r) => sum + r.impressions + r.clicks + r.conversions, 0)).toBe(200)
    } finally {
      await client.command({ query: `DROP DATABASE IF EXISTS ${old}` })
    }
  })
})
