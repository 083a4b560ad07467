import { type Dimension, type KpiFilters, SORTABLE_KPIS } from '@adpulse/kpi'
import { testClickHouse, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asRawRows, referenceRows, seededEvents, type TestEvent } from '../test/kpi-rows-reference.ts'
import { DAY_MS } from './bucket-repair.ts'
import { type ClickHouseClient, createClickHouse } from './client.ts'
import type { KpiRequest, KpiRow } from './kpi-request.ts'
import { keyFieldsOf, rankedKeysQuery, ranksKeysFirst, rowsQuery } from './kpi-rows-query.ts'
import { KpiStore } from './kpi-store.ts'
import { migrate } from './migrations.ts'
import { RawEventStore } from './raw-event-store.ts'

const DAY = Date.UTC(2026, 10, 20)
const RANGE = { from: DAY, to: DAY + 2 * DAY_MS }

/**
 * A page ranked first (rankedKeysQuery, then rowsQuery of its keys, as
 * KpiStore.rows reads a small sorted page) against the one-step query, on real
 * ClickHouse: byte for byte the same answer text for every sortable KPI, both
 * orders, several groupings and filters, and page after page (the offset a
 * cursor carries). Twin campaigns (every event of one copied under another
 * id) tie on every KPI, so the tie-break decides where a page ends.
 */
describe('rowsQuery ranking the keys first', () => {
  const database = uniqueName('adpulse_ranked')
  let client: ClickHouseClient
  let store: KpiStore
  let events: TestEvent[]

  beforeAll(async () => {
    client = await createClickHouse(testClickHouse())
    await migrate(client, database)
    store = new KpiStore(client, database)
    const seeded = seededEvents(21, 1_200, DAY, 2)
    const twins = (campaign: string, twin: string, firstOffset: number): TestEvent[] =>
      seeded
        .filter((e) => e.campaign_id === campaign)
        .map((e, i) => ({
          ...e,
          event_id: `twin-${twin}-${i}`,
          campaign_id: twin,
          offset: String(firstOffset + i),
          partition: (firstOffset + i) % 2,
        }))
    events = [...seeded, ...twins('so-c1', 'so-c1-twin', 10_000), ...twins('se-c0', 'se-c0-twin', 20_000)]
    for (const partition of [0, 1]) {
      const rows = asRawRows(events.filter((e) => e.partition === partition))
      for (let i = 0; i < rows.length; i += 400) {
        const batch = rows.slice(i, i + 400)
        await new RawEventStore(client, database).insert(
          batch,
          `t/${partition}/${batch[0]?.offset}-${batch.at(-1)?.offset}`,
        )
      }
    }
  })

  afterAll(async () => {
    await client.command({ query: `DROP DATABASE IF EXISTS ${database}` })
    await client.close()
  })

  const select = ({ query, params }: { query: string; params: Record<string, unknown> }) =>
    client.query({ query, query_params: params, format: 'JSONEachRow' })

  /** The answer as ClickHouse writes it, unparsed: ranked first as KpiStore.rows does, or in one step. */
  async function answerText(request: KpiRequest, rankFirst: boolean): Promise<string> {
    if (!rankFirst) return (await select(rowsQuery(database, request))).text()
    const keys = keyFieldsOf(request)
    const ranked = await (await select(rankedKeysQuery(database, request))).json<Record<string, string>>()
    const page = ranked.map((row) => keys.map((key) => row[key] as string))
    return (await select(rowsQuery(database, request, page))).text()
  }

  const request = (over: Partial<KpiRequest>): KpiRequest => ({
    range: RANGE,
    by: ['channel', 'campaign'],
    filters: {},
    sort: { kpi: 'spend_micros', order: 'desc' },
    limit: 4,
    offset: 0,
    ...over,
  })

  it('answers every sort, order, grouping and filter byte for byte as the one-step query', async () => {
    const groupings: Dimension[][] = [['channel', 'campaign'], ['campaign', 'ad'], ['source']]
    const filterSets: KpiFilters[] = [{}, { action: 'lead' }, { channel: 'social' }]
    let rows = 0
    for (const by of groupings)
      for (const filters of filterSets)
        for (const kpi of SORTABLE_KPIS)
          for (const order of ['asc', 'desc'] as const)
            for (const offset of [0, 3]) {
              const asked = request({ by, filters, sort: { kpi, order }, offset })
              expect(ranksKeysFirst(asked)).toBe(true)
              const ranked = await answerText(asked, true)
              expect(ranked, JSON.stringify(asked)).toBe(await answerText(asked, false))
              rows += ranked.split('\n').length - 1
            }
    expect(rows).toBeGreaterThan(1_000)
  })

  it('pages through ties as the unpaged answer does: the twins in key order, no row twice or lost', async () => {
    for (const sort of [
      { kpi: 'spend_micros', order: 'desc' },
      { kpi: 'cpa_micros', order: 'asc' },
      { kpi: 'roas', order: 'desc' },
    ] as const) {
      const asked = request({ sort, filters: {} })
      const all = referenceRows(events, { ...asked, limit: 10_000 })
      // The twins tie with their originals on every KPI: next to each other, by campaign_id.
      const at = (campaign: string) => all.findIndex((r) => r.campaign_id === campaign)
      expect(at('so-c1-twin')).toBe(at('so-c1') + 1)
      expect(at('se-c0-twin')).toBe(at('se-c0') + 1)
      const pages: KpiRow[] = []
      for (let offset = 0; ; offset += 3) {
        const page = await store.rows({ ...asked, limit: 3, offset })
        expect(await answerText({ ...asked, limit: 3, offset }, true)).toBe(
          await answerText({ ...asked, limit: 3, offset }, false),
        )
        pages.push(...page.rows)
        expect(page.more).toBe(offset + 3 < all.length)
        if (!page.more) break
      }
      expect(pages).toEqual(all)
    }
  })
})
