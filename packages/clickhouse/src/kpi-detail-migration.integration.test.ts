import { minuteOf, testClickHouse, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  asRawRows,
  referenceCampaigns,
  referenceRows,
  seededEvents,
  type TestEvent,
} from '../test/kpi-rows-reference.ts'
import { BucketRepair, DAY_MS } from './bucket-repair.ts'
import { type ClickHouseClient, createClickHouse } from './client.ts'
import type { KpiRequest } from './kpi-request.ts'
import { KpiStore } from './kpi-store.ts'
import { migrate, schemaStatements } from './migrations.ts'
import { RawEventStore } from './raw-event-store.ts'

/** The last version whose buckets had no ad, action or source (17 and 18 add them). */
const VERSION_BEFORE_DETAIL = 16
const DAY = Date.UTC(2026, 10, 20)

/**
 * An upgrade of a database created by the previous version, buckets in it:
 * steps 17–18 keep every sum of the old buckets (their detail ''), new events
 * are bucketed with their detail, and a rebuild of an old day restores its
 * detail from events_raw.
 */
describe('kpi_buckets keeps the detail, on a database of the previous version', () => {
  const database = uniqueName('adpulse_detail')
  let client: ClickHouseClient
  let store: KpiStore
  let raw: RawEventStore
  /** Written before the upgrade: the types of that version only. */
  const old = seededEvents(21, 600, DAY, 1).filter((e) => e.type !== 'engagement')
  const newer = seededEvents(22, 400, DAY + DAY_MS, 1, 1_000)
  const range = (days: number) => ({ from: DAY, to: DAY + days * DAY_MS })
  const request = (over: Partial<KpiRequest>): KpiRequest => ({
    range: range(2),
    by: ['campaign'],
    filters: {},
    limit: 10_000,
    offset: 0,
    ...over,
  })
  const write = async (events: TestEvent[], token: string) => raw.insert(asRawRows(events), token)

  beforeAll(async () => {
    client = await createClickHouse(testClickHouse())
    // The published steps up to 16, run as they were, as migrate() left such a database.
    for (const query of schemaStatements(database).slice(0, 2 + VERSION_BEFORE_DETAIL)) {
      await client.command({ query })
    }
    await client.insert({
      table: `${database}.schema_migrations`,
      values: Array.from({ length: VERSION_BEFORE_DETAIL }, (_, i) => ({ version: i + 1 })),
      format: 'JSONEachRow',
    })
    store = new KpiStore(client, database)
    raw = new RawEventStore(client, database)
  })

  afterAll(async () => {
    await client.command({ query: `DROP DATABASE IF EXISTS ${database}` })
    await client.close()
  })

  const columnTypes = async (): Promise<Record<string, string>> => {
    const result = await client.query({
      query: `SELECT name, type FROM system.columns WHERE database = {db:String} AND table = 'kpi_buckets'`,
      query_params: { db: database },
      format: 'JSONEachRow',
    })
    return Object.fromEntries(
      (await result.json<{ name: string; type: string }>()).map((c) => [c.name, c.type]),
    )
  }

  it('keeps the old buckets answered, detail empty, and buckets new events with theirs', async () => {
    await write(old, 'old/0-599')
    const before = await store.sums(range(1), 'campaign')
    expect(before.length).toBeGreaterThan(0)
    expect(await columnTypes()).not.toHaveProperty('ad_id')

    expect(await migrate(client, database)).toBe(14)
    expect(await columnTypes()).toMatchObject({
      ad_id: 'String',
      action: 'LowCardinality(String)',
      source: 'LowCardinality(String)',
      engagements: 'UInt64',
      first_event_at: "SimpleAggregateFunction(min, DateTime64(3, 'UTC'))",
      last_event_at: "SimpleAggregateFunction(max, DateTime64(3, 'UTC'))",
    })
    const [table] = await (
      await client.query({
        query: `SELECT sorting_key, primary_key FROM system.tables WHERE database = {db:String} AND name = 'kpi_buckets'`,
        query_params: { db: database },
        format: 'JSONEachRow',
      })
    ).json<{ sorting_key: string; primary_key: string }>()
    expect(table).toEqual({
      sorting_key: 'channel, campaign_id, minute, topic, partition, ad_id, action, source',
      primary_key: 'channel, campaign_id, minute, topic, partition',
    })

    // Every sum of the old buckets as before, in sums() and in rows() (ad '', no action listed).
    expect(await store.sums(range(1), 'campaign')).toEqual(before)
    const { rows } = await store.rows(request({ range: range(1), by: ['campaign', 'ad'] }))
    expect(
      rows.map((r) => [r.campaign_id, r.ad_id, r.clicks, r.conversions, r.spend_micros, r.actions]),
    ).toEqual(before.map((s) => [s.campaign_id, '', s.clicks, s.conversions, s.spend_micros, []]))
    // No action is known of them: a breakdown by action has no rows until a rebuild.
    expect((await store.rows(request({ range: range(1), by: ['action'] }))).rows).toEqual([])
    // Their first and last event time: their minute.
    const [campaign] = (await store.campaigns({ limit: 1 })).rows
    const events = old.filter(
      (e) => e.channel === campaign?.channel && e.campaign_id === campaign?.campaign_id,
    )
    expect(campaign).toMatchObject({
      ads: [],
      first_event_at: minuteOf(Math.min(...events.map((e) => e.occurred_at))),
      last_event_at: minuteOf(Math.max(...events.map((e) => e.occurred_at))),
    })

    // Events after the upgrade carry their detail, engagements included.
    await write(newer, 'new/1000-1399')
    const detailed = request({
      range: { from: DAY + DAY_MS, to: DAY + 2 * DAY_MS },
      by: ['campaign', 'ad', 'action'],
    })
    expect((await store.rows(detailed)).rows).toEqual(referenceRows(newer, detailed))
  })

  it('runs its steps again after a crash without harm, and only once through migrate()', async () => {
    for (const query of schemaStatements(database).slice(2 + VERSION_BEFORE_DETAIL)) {
      await client.command({ query })
    }
    expect(await migrate(client, database)).toBe(0)
    const all = request({ by: ['channel', 'campaign', 'ad', 'action', 'source'], range: range(2) })
    // The old buckets (source '', no action) have no action to split by: only the new events' rows.
    const newOnly = referenceRows(newer, all)
    expect((await store.rows(all)).rows).toEqual(newOnly)
  })

  it('restores the detail of an old day from events_raw when the day is rebuilt', async () => {
    expect(await new BucketRepair(client, database).rebuildDay(DAY)).toMatchObject({ events: old.length })
    const every = [...old, ...newer]
    for (const by of [['campaign', 'ad', 'action'], ['channel', 'source'], ['action']] as const) {
      const asked = request({ by: [...by] })
      expect((await store.rows(asked)).rows).toEqual(referenceRows(every, asked))
    }
    expect((await store.campaigns({ limit: 100 })).rows).toEqual(referenceCampaigns(every))
  })
})
