import { describe, expect, it } from 'vitest'
import type { PricedRecord } from '../steps/price.ts'
import { toRawEventRow } from './raw-event-row.ts'

const priced: PricedRecord = {
  offset: '41',
  event_id: 'e1',
  source: 'web',
  ad_id: 'ad-7',
  click_id: 'gclid\\123',
  user_id: 'u-42',
  action: 'purchase',
  currency: 'USD',
  original_currency: 'EUR',
  original_cost_micros: null,
  original_value_micros: 23_000_000n,
  received_at: 2_000,
  type: 'conversion',
  occurred_at: 1_000,
  channel: 'search',
  campaign_id: 'c1',
  cost_micros: 1_200_000n,
  value_micros: 25_000_000n,
}

describe('toRawEventRow', () => {
  it('keeps everything the event carries, with the partition it came from', () => {
    expect(toRawEventRow(priced, { topic: 'events', partition: 3 })).toEqual({
      event_id: 'e1',
      source: 'web',
      type: 'conversion',
      occurred_at: 1_000,
      channel: 'search',
      campaign_id: 'c1',
      ad_id: 'ad-7',
      click_id: 'gclid\\123',
      user_id: 'u-42',
      action: 'purchase',
      cost_micros: 1_200_000n,
      value_micros: 25_000_000n,
      currency: 'USD',
      original_currency: 'EUR',
      original_cost_micros: null,
      original_value_micros: 23_000_000n,
      received_at: 2_000,
      topic: 'events',
      partition: 3,
      offset: '41',
    })
  })

  it("keeps an engagement's type and action, with no value", () => {
    const row = toRawEventRow(
      { ...priced, type: 'engagement', action: 'like', value_micros: 0n, original_value_micros: 0n },
      { topic: 'events', partition: 0 },
    )
    expect([row.type, row.action, row.cost_micros, row.value_micros]).toEqual([
      'engagement',
      'like',
      1_200_000n,
      0n,
    ])
  })

  it('keeps absent ids as null, and an absent action as empty', () => {
    const row = toRawEventRow(
      { ...priced, ad_id: null, click_id: null, user_id: null, action: null },
      { topic: 'events', partition: 0 },
    )
    expect([row.ad_id, row.click_id, row.user_id, row.action]).toEqual([null, null, null, ''])
  })
})
