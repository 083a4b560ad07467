import type { AudienceDefinition } from '@adpulse/audiences'
import { CART_ABANDONERS as CART } from '@adpulse/audiences/testing'
import { testClickHouse, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { userEvent } from '../test/audience-events.ts'
import { AudienceStore } from './audience-store.ts'
import { type ClickHouseClient, createClickHouse } from './client.ts'
import { migrate } from './migrations.ts'
import { RawEventStore } from './raw-event-store.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR
// Recent, so events_raw's retention (counted from received_at) keeps every row.
const NOW = Math.floor(Date.now() / 1000) * 1000
const ago = (days: number) => NOW - days * DAY

const CLICKERS: AudienceDefinition = {
  name: 'clickers',
  include: { type: 'click', actions: [], channels: ['google'], campaigns: [], lookbackMs: 7 * DAY },
  exclude: { type: 'conversion', actions: [], channels: [], campaigns: [], lookbackMs: 90 * DAY },
  durationMs: 7 * DAY,
}

/** AudienceStore against real ClickHouse: membership as audience-query.ts computes it from events_raw. */
describe('AudienceStore', () => {
  const database = uniqueName('adpulse_audiences')
  let client: ClickHouseClient
  let store: AudienceStore

  beforeAll(async () => {
    client = await createClickHouse(testClickHouse())
    await migrate(client, database)
    store = new AudienceStore(client, database)
    let offset = 0
    const cart = (user: string | null, days: number) =>
      userEvent(offset++, user, 'engagement', ago(days), { action: 'add_to_cart', received_at: NOW })
    const buy = (user: string, days: number, over = {}) =>
      userEvent(offset++, user, 'conversion', ago(days), { action: 'purchase', received_at: NOW, ...over })
    const click = (user: string, days: number, channel = 'google') =>
      userEvent(offset++, user, 'click', ago(days), { channel, received_at: NOW })
    const rows = [
      cart('u1', 2),
      cart('u2', 3),
      buy('u2', 1),
      buy('u3', 10),
      cart('u3', 5),
      cart('u4', 20),
      cart('u5', 25),
      cart('u5', 20),
      cart('u5', 4),
      cart('u6', 40),
      cart(null, 1),
      userEvent(offset++, 'u7', 'engagement', ago(1), { action: 'view_item', received_at: NOW }),
      userEvent(offset++, 'u8', 'engagement', NOW + HOUR, { action: 'add_to_cart', received_at: NOW }),
      cart('u9', 6),
      cart('u9', 1),
      click('c1', 1),
      click('c2', 1),
      buy('c2', 60, { action: 'lead' }),
      click('c3', 1, 'meta'),
      click('c4', 1),
      buy('c4', 100),
    ]
    await new RawEventStore(client, database).insert(rows, 'audiences/0')
  })

  afterAll(async () => {
    await client.command({ query: `DROP DATABASE IF EXISTS ${database}` })
    await client.close()
  })

  it('counts the users with a recent including event, not expired, not excluded after it', async () => {
    const { members, more } = await store.members(CART, { now: NOW, after: undefined, limit: 100 })
    expect(more).toBe(false)
    expect(members).toEqual([
      { user_id: 'u1', joined_at: ago(2), expires_at: ago(2) + 14 * DAY },
      // Bought 10 days ago, back in the cart since: a member again.
      { user_id: 'u3', joined_at: ago(5), expires_at: ago(5) + 14 * DAY },
      // Lapsed between day 6 and day 4 ago: the current membership began 4 days ago.
      { user_id: 'u5', joined_at: ago(4), expires_at: ago(4) + 14 * DAY },
      // Two events 5 days apart, within the duration: one membership since the first.
      { user_id: 'u9', joined_at: ago(6), expires_at: ago(1) + 14 * DAY },
    ])
    expect(await store.size(CART, NOW)).toBe(4)
  })

  it('pages in user_id order', async () => {
    const first = await store.members(CART, { now: NOW, after: undefined, limit: 2 })
    expect(first.members.map((m) => m.user_id)).toEqual(['u1', 'u3'])
    expect(first.more).toBe(true)
    const second = await store.members(CART, { now: NOW, after: 'u3', limit: 2 })
    expect(second.members.map((m) => m.user_id)).toEqual(['u5', 'u9'])
    expect(second.more).toBe(false)
  })

  it('leaves out users with an excluding event within the exclude lookback, whatever its order', async () => {
    const { members } = await store.members(CLICKERS, { now: NOW, after: undefined, limit: 100 })
    expect(members.map((m) => m.user_id)).toEqual(['c1', 'c4'])
    expect(await store.size(CLICKERS, NOW)).toBe(2)
  })

  it('answers membership as of another moment', async () => {
    // Three days ago u2 had not bought yet, u8's and u9's second events had not happened.
    const { members } = await store.members(CART, { now: ago(2.5), after: undefined, limit: 100 })
    expect(members.map((m) => m.user_id)).toEqual(['u2', 'u3', 'u5', 'u9'])
    // Twenty days on, only the memberships of the last few days remain... none of 14 days.
    expect(await store.size(CART, NOW + 20 * DAY)).toBe(0)
  })
})
