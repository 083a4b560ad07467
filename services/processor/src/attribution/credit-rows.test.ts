import type { PricingTable } from '@adpulse/pricing'
import { describe, expect, it } from 'vitest'
import type { PricedRecord } from '../steps/price.ts'
import { creditRow } from './credit-rows.ts'

const PRICING: PricingTable = {
  campaigns: new Map([['camp-1', { model: 'CPA', rate_micros: 2_000_000n, actions: ['purchase'] }]]),
  channels: new Map([['email', { model: 'CPA', rate_micros: 500_000n, actions: ['purchase'] }]]),
}
const click = {
  event_id: 'c-1',
  click_id: 'k-1',
  occurred_at: 0,
  received_at: 0,
  channel: 'search',
  campaign_id: 'camp-1',
  ad_id: 'ad-1',
}
const conversion = (over: Partial<PricedRecord> = {}): PricedRecord => ({
  offset: '7',
  event_id: 'v-1',
  source: 's',
  type: 'conversion',
  occurred_at: 1,
  received_at: 1,
  channel: 'email',
  campaign_id: 'camp-x',
  ad_id: 'ad-x',
  click_id: 'k-1',
  user_id: null,
  action: 'purchase',
  cost_micros: 500_000n,
  value_micros: 9_000_000n,
  currency: 'USD',
  original_currency: 'USD',
  original_cost_micros: null,
  original_value_micros: 9_000_000n,
  ...over,
})

describe('creditRow', () => {
  it("credits the click's keys, priced under them, keeping what the conversion reported", () => {
    expect(creditRow(conversion(), { kind: 'click', click }, PRICING)).toMatchObject({
      channel: 'search',
      campaign_id: 'camp-1',
      ad_id: 'ad-1',
      cost_micros: 2_000_000n,
      reported_channel: 'email',
      reported_campaign_id: 'camp-x',
      reported_ad_id: 'ad-x',
      attribution: 'click',
      offset: '7',
    })
  })

  it('keeps a cost the conversion carried itself', () => {
    const carried = conversion({ cost_micros: 123n, original_cost_micros: 123n })
    expect(creditRow(carried, { kind: 'click', click }, PRICING).cost_micros).toBe(123n)
  })

  it('counts an unattributed conversion under its own keys, "unattributed" for those it lacked', () => {
    expect(creditRow(conversion(), { kind: 'unattributed' }, PRICING)).toMatchObject({
      channel: 'email',
      campaign_id: 'camp-x',
      cost_micros: 500_000n,
      attribution: 'unattributed',
    })
    const postback = conversion({ channel: '', campaign_id: '', ad_id: null, cost_micros: 0n })
    expect(creditRow(postback, { kind: 'unattributed' }, PRICING)).toMatchObject({
      channel: 'unattributed',
      campaign_id: 'unattributed',
      ad_id: null,
      reported_channel: '',
      reported_campaign_id: '',
      cost_micros: 0n,
    })
  })

  it('keeps a waiting conversion under what it reported, and a resolution of it reads the reported keys', () => {
    const waiting = creditRow(conversion({ channel: '', campaign_id: '' }), { kind: 'waiting' }, PRICING)
    expect(waiting).toMatchObject({ channel: '', campaign_id: '', attribution: 'waiting' })
    expect(creditRow(waiting, { kind: 'click', click }, PRICING)).toMatchObject({
      channel: 'search',
      reported_channel: '',
      reported_campaign_id: '',
      attribution: 'click',
    })
  })
})
