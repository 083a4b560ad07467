import { type Dimension, type KpiFilters, SORTABLE_KPIS } from '@adpulse/kpi'
import { testClickHouse, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  asRawRows,
  kpiOf,
  referenceCampaigns,
  referenceRows,
  seededEvents,
  type TestEvent,
} from '../test/kpi-rows-reference.ts'
import { BucketRepair, DAY_MS } from './bucket-repair.ts'
import { type ClickHouseClient, createClickHouse } from './client.ts'
import type { CampaignRow, KpiRequest, KpiRow } from './kpi-request.ts'
import { KpiStore } from './kpi-store.ts'
import { migrate } from './migrations.ts'
import { RawEventStore } from './raw-event-store.ts'

const DAY = Date.UTC(2026, 10, 20)
const RANGE = { from: DAY, to: DAY + 2 * DAY_MS }

/**
 * KpiStore.rows and .campaigns against the test run's real ClickHouse: seeded
 * random events of every type over channels, campaigns, ads, actions and
 * sources, written through events_raw and its view, and every answer compared
 * with the test's own sums of those events (test/kpi-rows-reference.ts).
 */
describe('KpiStore.rows and .campaigns', () => {
  const database = uniqueName('adpulse_rows')
  let client: ClickHouseClient
  let store: KpiStore
  let events: TestEvent[]

  beforeAll(async () => {
    client = await createClickHouse(testClickHouse())
    await migrate(client, database)
    store = new KpiStore(client, database)
    const raw = new RawEventStore(client, database)
    // Over two days, and a few events after the range (left out of every answer).
    events = [...seededEvents(11, 1_500, DAY, 2), ...seededEvents(12, 40, DAY + 2 * DAY_MS, 1, 1_500)]
    for (const partition of [0, 1]) {
      const rows = asRawRows(events.filter((e) => e.partition === partition))
      for (let i = 0; i < rows.length; i += 400) {
        const batch = rows.slice(i, i + 400)
        await raw.insert(batch, `t/${partition}/${batch[0]?.offset}-${batch.at(-1)?.offset}`)
      }
    }
  })

  afterAll(async () => {
    await client.command({ query: `DROP DATABASE IF EXISTS ${database}` })
    await client.close()
  })

  const request = (over: Partial<KpiRequest>): KpiRequest => ({
    range: RANGE,
    by: ['campaign'],
    filters: {},
    limit: 10_000,
    offset: 0,
    ...over,
  })
  const inRange = () => events.filter((e) => e.occurred_at < RANGE.to)

  it('answers every grouping and filter as the sums of the events do', async () => {
    const groupings: Dimension[][] = [
      ['channel'],
      ['campaign'],
      ['action'],
      ['channel', 'campaign', 'ad'],
      ['campaign', 'action'],
      ['ad', 'source'],
      ['channel', 'campaign', 'ad', 'action', 'source'],
    ]
    const filterSets: KpiFilters[] = [
      {},
      { channel: 'social' },
      { action: 'lead' },
      { campaign_id: 'se-c1', ad_id: 'a1' },
      { source: 'app', action: 'like' },
      { channel: 'nowhere' },
    ]
    let compared = 0
    for (const by of groupings) {
      for (const filters of filterSets) {
        const asked = request({ by, filters })
        const expected = referenceRows(events, asked)
        const page = await store.rows(asked)
        expect(page, JSON.stringify({ by, filters })).toEqual({ rows: expected, more: false })
        compared += expected.length
      }
    }
    expect(compared).toBeGreaterThan(500)
  })

  it('splits outcomes by action and keeps the spend of the other keys on every action row', async () => {
    const { rows } = await store.rows(request({ by: ['channel', 'action'], filters: { channel: 'search' } }))
    const [total] = (await store.rows(request({ by: ['channel'], filters: { channel: 'search' } }))).rows
    expect(rows.map((r) => r.action)).toEqual(['lead', 'like', 'purchase', 'share', 'signup', 'video_view'])
    for (const row of rows) expect(row.spend_micros).toBe(total?.spend_micros)
    expect(rows.reduce((n, r) => n + r.conversions, 0)).toBe(total?.conversions)
    expect(rows.reduce((n, r) => n + r.engagements, 0)).toBe(total?.engagements)
    expect(total?.engagements).toBeGreaterThan(0)
  })

  it('buckets rows by day, keys within each day', async () => {
    const asked = request({ by: ['channel', 'action'], bucketing: { unit: 'day', timeZone: 'UTC' } })
    const { rows } = await store.rows(asked)
    expect(rows).toEqual(referenceRows(events, asked))
    expect(new Set(rows.map((r) => r.bucket_start))).toEqual(new Set([DAY, DAY + DAY_MS]))
  })

  it('sorts on every KPI either way, NULLs last, ties by the keys', async () => {
    for (const by of [
      ['campaign', 'ad'],
      ['channel', 'action'],
    ] as Dimension[][]) {
      for (const kpi of SORTABLE_KPIS) {
        for (const order of ['asc', 'desc'] as const) {
          const asked = request({ by, sort: { kpi, order } })
          const { rows } = await store.rows(asked)
          expect(rows, `${by} ${kpi} ${order}`).toEqual(referenceRows(events, asked))
        }
      }
    }
    // Groups without a signup: cpa NULL, after every other row in both orders.
    for (const order of ['asc', 'desc'] as const) {
      const asked = request({
        by: ['campaign', 'ad', 'source'],
        filters: { action: 'signup' },
        sort: { kpi: 'cpa_micros', order },
      })
      const { rows } = await store.rows(asked)
      expect(rows).toEqual(referenceRows(events, asked))
      expect(kpiOf(rows[0] as KpiRow, 'cpa_micros')).not.toBeNull()
      expect(kpiOf(rows.at(-1) as KpiRow, 'cpa_micros')).toBeNull()
    }
  })

  it('pages: the pages concatenated are the unpaged answer, no row twice', async () => {
    for (const sort of [undefined, { kpi: 'cpa_micros', order: 'desc' } as const]) {
      const asked = request({ by: ['campaign', 'ad', 'action'], filters: { channel: 'social' }, sort })
      const all = referenceRows(events, asked)
      expect(all.length).toBeGreaterThan(30)
      const pages: KpiRow[] = []
      for (let offset = 0; ; offset += 7) {
        const page = await store.rows({ ...asked, limit: 7, offset })
        pages.push(...page.rows)
        expect(page.more).toBe(offset + 7 < all.length)
        if (!page.more) break
      }
      expect(pages).toEqual(all)
      const keys = pages.map((r) => `${r.campaign_id}/${r.ad_id}/${r.action}`)
      expect(new Set(keys).size).toBe(keys.length)
    }
  })

  it('lists the campaigns with their ads and first and last event, a page at a time', async () => {
    for (const channel of [undefined, 'display']) {
      const listed: CampaignRow[] = []
      let after: CampaignRow | undefined
      for (;;) {
        const page = await store.campaigns({
          channel,
          limit: 2,
          after: after && { channel: after.channel, campaign_id: after.campaign_id },
        })
        listed.push(...page.rows)
        after = page.rows.at(-1)
        if (!page.more) break
      }
      expect(listed).toEqual(referenceCampaigns(events, channel))
    }
    expect((await store.campaigns({ limit: 100 })).rows).toHaveLength(9)
    expect(await store.campaigns({ channel: 'nowhere', limit: 5 })).toEqual({ rows: [], more: false })
  })

  it('keeps sums() as it was: channels and campaigns, every event type summed', async () => {
    const sums = await store.sums(RANGE, 'campaign')
    const expected = referenceRows(inRange(), request({ by: ['channel', 'campaign'] }))
    expect(
      sums.map((s) => [s.channel, s.campaign_id, s.impressions, s.clicks, s.conversions, s.spend_micros]),
    ).toEqual(
      expected.map((r) => [r.channel, r.campaign_id, r.impressions, r.clicks, r.conversions, r.spend_micros]),
    )
  })

  it('rebuilds a day into the very buckets the view streamed', async () => {
    const buckets = async () => {
      const result = await client.query({
        query: `SELECT minute, channel, campaign_id, topic, partition, ad_id, action, source,
            sum(impressions), sum(clicks), sum(conversions), sum(engagements), toString(sum(spend_micros)),
            toString(sum(revenue_micros)), sum(revenue_squares), max(last_offset), min(first_event_at), max(last_event_at)
          FROM ${database}.kpi_buckets
          GROUP BY minute, channel, campaign_id, topic, partition, ad_id, action, source
          ORDER BY minute, channel, campaign_id, topic, partition, ad_id, action, source`,
        format: 'JSONCompactEachRow',
      })
      return result.json()
    }
    const streamed = await buckets()
    const rebuilt = await new BucketRepair(client, database).rebuildDay(DAY)
    expect(rebuilt.events).toBe(events.filter((e) => e.occurred_at < DAY + DAY_MS).length)
    expect(await buckets()).toEqual(streamed)
  })
})
