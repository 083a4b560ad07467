import { describe, expect, it } from 'vitest'
import {
  click,
  conversion,
  engagement,
  impression,
  type Priceable,
  tableOf,
} from '../test/priceable-events.ts'
import { costOf } from './cost.ts'
import { type PricingModel, parsePricingTable } from './pricing-model.ts'

const CPE: PricingModel = { model: 'CPE', rate_micros: 45_000n, actions: ['like', 'share', 'comment'] }
const CPV: PricingModel = { model: 'CPV', rate_micros: 12_500n }

describe('costOf: CPE', () => {
  const table = tableOf({ social: CPE })
  it('charges an engagement whose action is listed rate_micros', () => {
    expect(costOf(engagement('social', 'like'), table)).toBe(45_000n)
    expect(costOf(engagement('social', 'comment'), table)).toBe(45_000n)
  })
  it('charges nothing for an engagement whose action is not listed, video views included', () => {
    expect(costOf(engagement('social', 'follow'), table)).toBe(0n)
    expect(costOf(engagement('social', 'video_view'), table)).toBe(0n)
  })
  it('charges nothing for an engagement without action', () => {
    expect(costOf({ ...engagement('social', 'like'), action: null }, table)).toBe(0n)
  })
  it('charges nothing for an impression, a click, or a conversion of a listed action', () => {
    expect(costOf(impression('social'), table)).toBe(0n)
    expect(costOf(click('social'), table)).toBe(0n)
    expect(costOf(conversion('social', 'like', 5_000_000n), table)).toBe(0n)
  })
})

describe('costOf: CPV', () => {
  const table = tableOf({ video: CPV })
  it('charges a video_view engagement rate_micros', () => {
    expect(costOf(engagement('video', 'video_view'), table)).toBe(12_500n)
  })
  it('charges nothing for another engagement, an impression, a click or a conversion', () => {
    expect(costOf(engagement('video', 'like'), table)).toBe(0n)
    expect(costOf(engagement('video', 'video_view_25'), table)).toBe(0n)
    expect(costOf(impression('video'), table)).toBe(0n)
    expect(costOf(click('video'), table)).toBe(0n)
    expect(costOf(conversion('video', 'video_view', 1_000_000n), table)).toBe(0n)
  })
})

describe('costOf: engagements under the other models', () => {
  const table = tableOf({
    display: { model: 'CPM', rate_micros: 2_500_000n },
    search: { model: 'CPC', rate_micros: 1_234_567n },
    crm: { model: 'CPA', rate_micros: 4_000_000n, actions: ['like', 'lead'] },
    affiliate: { model: 'CPS', rate_bps: 750 },
  })
  it('cost nothing: CPM charges impressions, CPC clicks, CPA and CPS conversions', () => {
    for (const channel of ['display', 'search', 'crm', 'affiliate']) {
      expect(costOf(engagement(channel, 'like'), table), channel).toBe(0n)
      expect(costOf(engagement(channel, 'video_view'), table), channel).toBe(0n)
    }
  })
  it('cost their explicit cost_micros over any model', () => {
    expect(costOf({ ...engagement('search', 'like'), cost_micros: 777n }, table)).toBe(777n)
    const priced = tableOf({ social: CPE, video: CPV })
    expect(costOf({ ...engagement('social', 'like'), cost_micros: 0n }, priced)).toBe(0n)
    expect(costOf({ ...engagement('video', 'video_view'), cost_micros: 3n }, priced)).toBe(3n)
  })
  it("use the campaign's model over the channel's", () => {
    const withCampaign = tableOf({ social: CPE }, { 'camp-v': CPV })
    expect(costOf(engagement('social', 'video_view', 'camp-v'), withCampaign)).toBe(12_500n)
    expect(costOf(engagement('social', 'like', 'camp-v'), withCampaign)).toBe(0n)
    expect(costOf(engagement('social', 'like', 'camp-other'), withCampaign)).toBe(45_000n)
  })
})

describe('costOf: spend of a social day', () => {
  it('sums to the hand-computed total', () => {
    const table = tableOf({ social: CPE, video: CPV, search: { model: 'CPC', rate_micros: 1_000_000n } })
    const events: Priceable[] = []
    for (let i = 0; i < 120; i++) events.push(engagement('social', 'like')) // 120 × 45_000 = 5_400_000
    for (let i = 0; i < 30; i++) events.push(engagement('social', 'share')) // 30 × 45_000 = 1_350_000
    for (let i = 0; i < 50; i++) events.push(engagement('social', 'follow')) // 0
    for (let i = 0; i < 400; i++) events.push(engagement('video', 'video_view')) // 400 × 12_500 = 5_000_000
    for (let i = 0; i < 9; i++) events.push(engagement('video', 'like')) // 0
    for (let i = 0; i < 7; i++) events.push(click('search')) // 7 × 1_000_000 = 7_000_000
    events.push({ ...engagement('social', 'comment'), cost_micros: 11n }) // 11
    let total = 0n
    for (const event of events) total += costOf(event, table)
    expect(total).toBe(18_750_011n)
  })
})

describe('parsePricingTable: CPE and CPV', () => {
  const errorsOf = (json: unknown): string[] => {
    const result = parsePricingTable(json)
    if (result.ok) throw new Error('expected errors')
    return result.errors
  }

  it('reads CPE with its actions and CPV, rates as integers or digit strings', () => {
    const result = parsePricingTable({
      channels: { social: { model: 'CPE', rate_micros: 45_000, actions: ['like', 'share', 'video_view'] } },
      campaigns: { 'launch-video': { model: 'CPV', rate_micros: '9007199254740993' } },
    })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(Object.fromEntries(result.table.channels)).toEqual({
      social: { model: 'CPE', rate_micros: 45_000n, actions: ['like', 'share', 'video_view'] },
    })
    expect(Object.fromEntries(result.table.campaigns)).toEqual({
      'launch-video': { model: 'CPV', rate_micros: 9_007_199_254_740_993n },
    })
  })

  it('refuses a CPE without a list of engagement actions, naming the entry and field', () => {
    for (const actions of [undefined, [], ['like', 3], 'like', ['Like'], ['video view'], ['']]) {
      expect(errorsOf({ channels: { social: { model: 'CPE', rate_micros: 45_000, actions } } })).toEqual([
        'channels.social.actions: expected a non-empty list of engagement actions (lowercase slugs), e.g. ["like", "share"]',
      ])
    }
  })

  it('refuses bad CPE and CPV rates, naming the entry and field', () => {
    expect(errorsOf({ campaigns: { c1: { model: 'CPV', rate_micros: -1 } } })).toEqual([
      'campaigns.c1.rate_micros: expected integer micros >= 0, got -1',
    ])
    expect(errorsOf({ channels: { social: { model: 'CPE', rate_micros: 1.5, actions: [] } } })).toEqual([
      'channels.social.rate_micros: expected integer micros >= 0, got 1.5',
      'channels.social.actions: expected a non-empty list of engagement actions (lowercase slugs), e.g. ["like", "share"]',
    ])
  })

  it('names CPE and CPV among the models an unknown one could have been', () => {
    expect(errorsOf({ channels: { social: { model: 'CPL', rate_micros: 1 } } })).toEqual([
      'channels.social.model: expected CPM, CPC, CPA, CPS, CPE or CPV, got "CPL"',
    ])
  })
})
