import { testClickHouse, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chdbFileInsertOf } from './chdb-file-insert.ts'
import { type ClickHouseClient, createClickHouse } from './client.ts'
import { migrate } from './migrations.ts'
import { PartitionFencedError } from './partition-fence.ts'
import { type RawEventRow, RawEventStore } from './raw-event-store.ts'

const TOPIC = 'events'
const AT = Date.UTC(2026, 10, 22, 10, 0, 0, 123)

const row = (offset: number, over: Partial<RawEventRow> = {}): RawEventRow => ({
  event_id: `e${offset}`,
  source: 'web',
  type: 'conversion',
  occurred_at: AT,
  channel: 'search',
  campaign_id: 'c1',
  ad_id: null,
  click_id: null,
  user_id: null,
  action: 'purchase',
  cost_micros: 0n,
  value_micros: 5n,
  currency: 'USD',
  received_at: AT + 1000,
  topic: TOPIC,
  partition: 0,
  offset: String(offset),
  ...over,
})

/**
 * events_raw's insert as the processor sends it (on embedded chDB, from a file
 * chDB reads itself: chdb-file-insert.ts), under a partition's claim: the
 * bytes arrive as they were, and the fence refuses a stale writer.
 */
describe('RawEventStore.insert', () => {
  const database = uniqueName('adpulse_raw_insert')
  let client: ClickHouseClient
  let store: RawEventStore

  beforeAll(async () => {
    client = await createClickHouse(testClickHouse())
    await migrate(client, database)
    store = new RawEventStore(client, database)
  })

  afterAll(async () => {
    await client.command({ query: `DROP DATABASE IF EXISTS ${database}` })
    await client.close()
  })

  it('takes the file path on embedded chDB only', () => {
    expect(chdbFileInsertOf(client) !== undefined).toBe(testClickHouse().url === undefined)
  })

  it('writes every field as it was: escapes, NULLs, money beyond 2^63, and lands a retry of the same token once', async () => {
    await store.claimPartition(TOPIC, 0, 'w1')
    const tricky = row(1, {
      event_id: "tab\there, line\nbreak, back\\slash, quote' \\N",
      user_id: 'u-ü',
      ad_id: '\\N',
      value_micros: 2n ** 64n + 7n,
    })
    const rows = [tricky, row(2)]
    await store.insert(rows, `${TOPIC}/0/1-2`, 'w1')
    await store.insert(rows, `${TOPIC}/0/1-2`, 'w1')
    const result = await client.query({
      query: `SELECT event_id, user_id, ad_id, toString(value_micros) AS value, toString(offset) AS offset
        FROM ${database}.events_raw ORDER BY offset`,
      format: 'JSONEachRow',
    })
    expect(await result.json()).toEqual([
      { event_id: tricky.event_id, user_id: 'u-ü', ad_id: '\\N', value: String(2n ** 64n + 7n), offset: '1' },
      { event_id: 'e2', user_id: null, ad_id: null, value: '5', offset: '2' },
    ])
  })

  it('refuses the insert of a writer whose claim another took, and writes nothing of it', async () => {
    await store.claimPartition(TOPIC, 1, 'old')
    await store.claimPartition(TOPIC, 1, 'new')
    const stale = store.insert([row(10, { partition: 1 })], `${TOPIC}/1/10-10`, 'old')
    await expect(stale).rejects.toBeInstanceOf(PartitionFencedError)
    const result = await client.query({
      query: `SELECT count() AS n FROM ${database}.events_raw WHERE partition = 1`,
      format: 'JSONEachRow',
    })
    expect(Number((await result.json<{ n: unknown }>())[0]?.n)).toBe(0)
  })

  it('writes the same table from RowBinary (the file insert) as from TabSeparated (the HTTP insert)', async () => {
    // A wrapped client has no file insert: its store sends TabSeparated through @clickhouse/client.
    const viaText = new RawEventStore(new Proxy(client, {}), database)
    const variants: Partial<RawEventRow>[] = [
      {},
      { ad_id: 'ad-é', click_id: '', user_id: 'u\t1', cost_micros: -(2n ** 70n), value_micros: 2n ** 126n },
      {
        original_currency: 'EUR',
        original_cost_micros: null,
        original_value_micros: 9_223_372_036_854_775_807n,
      },
      { original_currency: 'JPY', original_cost_micros: -5n, type: 'click', action: '' },
      { event_id: `${'€'.repeat(50_000)}\n${'x'.repeat(130)}`, campaign_id: 'c\u0000nul', occurred_at: 1 },
      { reported_channel: 'social', reported_campaign_id: 'c9', reported_ad_id: null, attribution: 'click' },
      { attribution: 'waiting', resolution: 2 ** 53 - 1, reported_ad_id: 'r-ad' },
      { offset: '18446744073709551615', received_at: AT + 999 },
    ]
    const rowsOf = (partition: number) =>
      variants.map((over, i) => row(100 + i, { ...over, partition, offset: over.offset ?? String(100 + i) }))
    for (const [partition, via] of [
      [2, store],
      [3, viaText],
    ] as const) {
      await store.claimPartition(TOPIC, partition, 'w2')
      await via.insert(rowsOf(partition), `${TOPIC}/${partition}/both`, 'w2')
    }
    const tableOf = async (partition: number) => {
      const result = await client.query({
        query: `SELECT * EXCEPT (partition), toString(cost_micros) AS cost, toString(value_micros) AS value,
            toString(original_cost_micros) AS original_cost, toString(original_value_micros) AS original_value,
            toString(offset) AS exact_offset
          FROM ${database}.events_raw WHERE partition = {partition:UInt32} ORDER BY offset`,
        query_params: { partition },
        format: 'JSONEachRow',
      })
      return result.json<Record<string, unknown>>()
    }
    const binary = await tableOf(2)
    expect(binary).toHaveLength(variants.length)
    expect(binary).toEqual(await tableOf(3))
    expect(
      binary.map((r) => [r.cost, r.original_cost, r.original_value, r.exact_offset, r.writer])[1],
    ).toEqual([String(-(2n ** 70n)), String(-(2n ** 70n)), String(2n ** 126n), '101', 'w2'])
    expect(binary.at(-1)?.exact_offset).toBe('18446744073709551615')
  })
})
