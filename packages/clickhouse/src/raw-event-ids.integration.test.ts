import { testClickHouse, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COLUMNS_BEFORE_IDS, insertRowsBeforeIds } from '../test/raw-events-before-ids.ts'
import { type ClickHouseClient, createClickHouse } from './client.ts'
import { KpiStore } from './kpi-store.ts'
import { migrate, schemaStatements } from './migrations.ts'
import { type RawEventRow, RawEventStore } from './raw-event-store.ts'

/** The last version before events_raw kept the ad, click and user ids (16). */
const VERSION_BEFORE_IDS = 15
const MINUTE = Date.UTC(2026, 10, 22, 10, 0)

/**
 * An upgrade of a database created by the previous version, rows in it: step 16
 * adds the id columns, the old rows are still answered (sums, offsets, SELECTs,
 * their ids NULL), and rows written after carry their ids.
 */
describe('events_raw keeps the ids of an event, on a database of the previous version', () => {
  const database = uniqueName('adpulse_ids')
  let client: ClickHouseClient

  beforeAll(async () => {
    client = await createClickHouse(testClickHouse())
    // The published steps up to 15, run as they were, as migrate() left such a database.
    for (const query of schemaStatements(database).slice(0, 2 + VERSION_BEFORE_IDS)) {
      await client.command({ query })
    }
    await client.insert({
      table: `${database}.schema_migrations`,
      values: Array.from({ length: VERSION_BEFORE_IDS }, (_, i) => ({ version: i + 1 })),
      format: 'JSONEachRow',
    })
  })

  afterAll(async () => {
    await client.command({ query: `DROP DATABASE IF EXISTS ${database}` })
    await client.close()
  })

  const row = (offset: number, over: Partial<RawEventRow> = {}): RawEventRow => ({
    event_id: `e${offset}`,
    source: 'web',
    type: 'click',
    occurred_at: MINUTE + offset,
    channel: 'search',
    campaign_id: 'c1',
    action: '',
    cost_micros: 1_000n,
    value_micros: 0n,
    currency: 'USD',
    received_at: Date.now(),
    topic: 't',
    partition: 0,
    offset: String(offset),
    ...over,
  })

  const columnsOf = async (): Promise<Record<string, string>> => {
    const result = await client.query({
      query: `SELECT name, type FROM system.columns WHERE database = {db:String} AND table = 'events_raw'`,
      query_params: { db: database },
      format: 'JSONEachRow',
    })
    return Object.fromEntries(
      (await result.json<{ name: string; type: string }>()).map((c) => [c.name, c.type]),
    )
  }

  const stored = async () => {
    const result = await client.query({
      query: `SELECT event_id, ad_id, click_id, user_id, toString(cost_micros) AS cost_micros
        FROM ${database}.events_raw ORDER BY offset`,
      format: 'JSONEachRow',
    })
    return result.json<{
      event_id: string
      ad_id: string | null
      click_id: string | null
      user_id: string | null
      cost_micros: string
    }>()
  }

  it('answers the old rows after the upgrade, their ids NULL, and keeps the ids of new rows', async () => {
    const before = await columnsOf()
    for (const column of COLUMNS_BEFORE_IDS) expect(before).toHaveProperty(column)
    expect(before).not.toHaveProperty('ad_id')

    // Rows of the previous version: an impression, a click and a conversion.
    await insertRowsBeforeIds(
      client,
      database,
      [
        row(0, { type: 'impression' }),
        row(1),
        row(2, { type: 'conversion', action: 'purchase', value_micros: 9_000_000n }),
      ],
      't/0/0-2',
    )

    // 16, then the buckets' detail (17, 18) and the signals' ad (19).
    expect(await migrate(client, database)).toBe(15)
    const after = await columnsOf()
    expect([after.ad_id, after.click_id, after.user_id]).toEqual([
      'Nullable(String)',
      'Nullable(String)',
      'Nullable(String)',
    ])

    const raw = new RawEventStore(client, database)
    await raw.insert(
      [
        row(3, { ad_id: 'ad-7', click_id: 'gclid-123', user_id: 'u-42' }),
        // A backslash and a tab survive the TSV escaping; a text `\N` is not NULL.
        row(4, { ad_id: 'a\\b\tc', click_id: '\\N', user_id: null }),
        row(5, { type: 'conversion', action: 'lead', value_micros: 1_000_000n }),
      ],
      't/0/3-5',
    )

    expect(await stored()).toEqual([
      { event_id: 'e0', ad_id: null, click_id: null, user_id: null, cost_micros: '1000' },
      { event_id: 'e1', ad_id: null, click_id: null, user_id: null, cost_micros: '1000' },
      { event_id: 'e2', ad_id: null, click_id: null, user_id: null, cost_micros: '1000' },
      { event_id: 'e3', ad_id: 'ad-7', click_id: 'gclid-123', user_id: 'u-42', cost_micros: '1000' },
      { event_id: 'e4', ad_id: 'a\\b\tc', click_id: '\\N', user_id: null, cost_micros: '1000' },
      { event_id: 'e5', ad_id: null, click_id: null, user_id: null, cost_micros: '1000' },
    ])
    // The old rows still count, beside the new ones.
    expect(
      await new KpiStore(client, database).sums({ from: MINUTE, to: MINUTE + 60_000 }, 'channel'),
    ).toEqual([
      {
        channel: 'search',
        impressions: 1,
        clicks: 3,
        conversions: 2,
        spend_micros: 6_000n,
        revenue_micros: 10_000_000n,
        revenue_squares: 9_000_000 ** 2 + 1_000_000 ** 2,
      },
    ])
    expect(await raw.newestOffset('t', 0)).toBe(5n)

    // Applied once: a second run (another instance starting) changes nothing.
    expect(await migrate(client, database)).toBe(0)
    expect(await stored()).toHaveLength(6)
  })
})
