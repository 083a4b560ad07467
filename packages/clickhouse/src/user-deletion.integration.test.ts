import type { AudienceDefinition } from '@adpulse/audiences'
import { customerMatchHash } from '@adpulse/audiences'
import { testClickHouse, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { userEvent } from '../test/audience-events.ts'
import { AudienceStore } from './audience-store.ts'
import { BucketRepair, DAY_MS } from './bucket-repair.ts'
import { type ClickHouseClient, createClickHouse } from './client.ts'
import { migrate } from './migrations.ts'
import { RawEventStore } from './raw-event-store.ts'
import { UserDeletionStore } from './user-deletion-store.ts'

const DAY = 86_400_000
const NOW = Math.floor(Date.now() / 1000) * 1000

const CLICKERS: AudienceDefinition = {
  name: 'clickers',
  include: { type: 'click', actions: [], channels: [], campaigns: [], lookbackMs: 7 * DAY },
  exclude: undefined,
  durationMs: 7 * DAY,
}

/** Forgetting a person on real ClickHouse: their raw events go, the KPI sums stay, the deletion is recorded. */
describe('UserDeletionStore.forget', () => {
  const database = uniqueName('adpulse_forget')
  let client: ClickHouseClient
  let deletions: UserDeletionStore

  const bucketSums = async () => {
    const result = await client.query({
      query: `SELECT sum(impressions) AS impressions, sum(clicks) AS clicks, sum(conversions) AS conversions,
        toString(sum(spend_micros)) AS spend, toString(sum(revenue_micros)) AS revenue FROM ${database}.kpi_buckets`,
      format: 'JSONEachRow',
    })
    return (await result.json<Record<string, unknown>>()).map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])),
    )
  }
  const eventsOf = async (user: string) => {
    const result = await client.query({
      query: `SELECT count() AS n FROM ${database}.events_raw WHERE user_id = {u:String}`,
      query_params: { u: user },
      format: 'JSONEachRow',
    })
    return Number((await result.json<{ n: number }>())[0]?.n)
  }

  beforeAll(async () => {
    client = await createClickHouse(testClickHouse())
    await migrate(client, database)
    deletions = new UserDeletionStore(client, database)
    const at = (i: number) => NOW - (i + 1) * 60_000
    const rows = [
      userEvent(0, 'ann', 'impression', at(0), { received_at: NOW }),
      userEvent(1, 'ann', 'click', at(1), { received_at: NOW }),
      userEvent(2, 'ann', 'conversion', at(2), { action: 'purchase', received_at: NOW }),
      userEvent(3, 'bob', 'click', at(3), { received_at: NOW }),
      userEvent(4, null, 'click', at(4), { received_at: NOW }),
    ]
    await new RawEventStore(client, database).insert(rows, 'forget/0')
  })

  afterAll(async () => {
    await client.command({ query: `DROP DATABASE IF EXISTS ${database}` })
    await client.close()
  })

  it('removes the raw events and memberships, keeps the KPI sums, records who, when and how many', async () => {
    const sumsBefore = await bucketSums()
    const audiences = new AudienceStore(client, database)
    expect(await audiences.audiencesOf([CLICKERS], 'ann', NOW)).toEqual(['clickers'])

    const deletion = await deletions.forget({
      userId: 'ann',
      requestedBy: 'dpo',
      via: 'api',
      audiences: [CLICKERS],
      now: NOW,
    })
    expect(deletion).toMatchObject({
      user_id: 'ann',
      requested_by: 'dpo',
      via: 'api',
      raw_events_deleted: 3,
      audiences_left: ['clickers'],
    })
    expect(await eventsOf('ann')).toBe(0)
    expect(await eventsOf('bob')).toBe(1)
    expect(await audiences.audiencesOf([CLICKERS], 'ann', NOW)).toEqual([])
    expect(await audiences.size(CLICKERS, NOW)).toBe(1)
    // Merged, the deleted rows are gone for good; the buckets keep every sum.
    await client.command({ query: `OPTIMIZE TABLE ${database}.events_raw FINAL` })
    expect(await eventsOf('ann')).toBe(0)
    expect(await bucketSums()).toEqual(sumsBefore)

    const recorded = await client.query({
      query: `SELECT deletion_id, user_id_sha256, requested_by, via, raw_events_deleted, audiences_left,
        toUnixTimestamp64Milli(deleted_at) AS deleted_ms FROM ${database}.user_deletions`,
      format: 'JSONEachRow',
    })
    const rows = await recorded.json<Record<string, unknown>>()
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({
      deletion_id: deletion?.deletion_id,
      user_id_sha256: customerMatchHash('ann'),
      requested_by: 'dpo',
      via: 'api',
      audiences_left: ['clickers'],
    })
    expect(Number(rows[0]?.raw_events_deleted)).toBe(3)
    expect(Number(rows[0]?.deleted_ms)).toBe(deletion?.deleted_at)
  })

  it('keeps the forgotten sums through a rebuild of their days (kpi_forgotten)', async () => {
    const sumsBefore = await bucketSums()
    await deletions.forget({ userId: 'bob', requestedBy: 'dpo', via: 'cli', audiences: [], now: NOW })
    expect(await eventsOf('bob')).toBe(0)
    const repair = new BucketRepair(client, database)
    const firstDay = Math.floor((NOW - 10 * 60_000) / DAY_MS) * DAY_MS
    const rebuilt = []
    for (let day = firstDay; day < NOW; day += DAY_MS) rebuilt.push(await repair.rebuildDay(day))
    // ann's 3 and bob's 1 are forgotten; the one event without a user is the only raw row left.
    expect(rebuilt.reduce((n, d) => n + d.events, 0)).toBe(5)
    expect(await bucketSums()).toEqual(sumsBefore)
  })

  it('answers null for a user with no events, and records nothing', async () => {
    const none = await deletions.forget({
      userId: 'nobody',
      requestedBy: 'dpo',
      via: 'cli',
      audiences: [],
      now: NOW,
    })
    expect(none).toBeNull()
    const again = await deletions.forget({
      userId: 'ann',
      requestedBy: 'dpo',
      via: 'cli',
      audiences: [],
      now: NOW,
    })
    expect(again).toBeNull()
  })
})
