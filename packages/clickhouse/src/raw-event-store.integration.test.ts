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
})
