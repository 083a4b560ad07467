import { describe, expect, it } from 'vitest'
import { click, conversion, impression, type Priceable, tableOf } from '../test/priceable-events.ts'
import { costOf } from './cost.ts'
import { type PricingModel, parsePricingTable } from './pricing-model.ts'

const CPM: PricingModel = { model: 'CPM', rate_micros: 2_500_000n }
const CPC: PricingModel = { model: 'CPC', rate_micros: 1_234_567n }
const CPA: PricingModel = { model: 'CPA', rate_micros: 4_000_000n, actions: ['lead', 'signup'] }
const CPS: PricingModel = { model: 'CPS', rate_bps: 750 }

describe('costOf: CPM', () => {
  const table = tableOf({ display: CPM })
  it('charges an impression rate_micros / 1000', () => {
    expect(costOf(impression('display'), table)).toBe(2_500n)
  })
  it('charges nothing for a click or a conversion', () => {
    expect(costOf(click('display'), table)).toBe(0n)
    expect(costOf(conversion('display', 'purchase', 10_000_000n), table)).toBe(0n)
    expect(costOf(conversion('display', 'lead', 0n), table)).toBe(0n)
  })
})

describe('costOf: CPC', () => {
  const table = tableOf({ search: CPC })
  it('charges a click rate_micros', () => {
    expect(costOf(click('search'), table)).toBe(1_234_567n)
  })
  it('charges nothing for an impression or a conversion', () => {
    expect(costOf(impression('search'), table)).toBe(0n)
    expect(costOf(conversion('search', 'purchase', 10_000_000n), table)).toBe(0n)
  })
})

describe('costOf: CPA', () => {
  const table = tableOf({ crm: CPA })
  it('charges a conversion whose action is listed', () => {
    expect(costOf(conversion('crm', 'lead', 0n), table)).toBe(4_000_000n)
    expect(costOf(conversion('crm', 'signup', 99n), table)).toBe(4_000_000n)
  })
  it('charges nothing for a conversion whose action is not listed', () => {
    expect(costOf(conversion('crm', 'purchase', 50_000_000n), table)).toBe(0n)
    expect(costOf(conversion('crm', 'install', 0n), table)).toBe(0n)
    expect(costOf(conversion('crm', 'Lead', 0n), table)).toBe(0n)
  })
  it('charges nothing for a conversion without action', () => {
    expect(costOf({ ...conversion('crm', 'lead', 0n), action: null }, table)).toBe(0n)
  })
  it('charges nothing for an impression or a click', () => {
    expect(costOf(impression('crm'), table)).toBe(0n)
    expect(costOf(click('crm'), table)).toBe(0n)
  })
})

describe('costOf: CPS', () => {
  const table = tableOf({ affiliate: CPS })
  it('charges value × bps / 10000 of a purchase', () => {
    // 80_000_000 × 750 / 10_000 = 6_000_000
    expect(costOf(conversion('affiliate', 'purchase', 80_000_000n), table)).toBe(6_000_000n)
  })
  it('truncates a fraction of a micro', () => {
    // 19_999_999 × 750 / 10_000 = 1_499_999.925
    expect(costOf(conversion('affiliate', 'purchase', 19_999_999n), table)).toBe(1_499_999n)
    // 13 × 750 / 10_000 = 0.975
    expect(costOf(conversion('affiliate', 'purchase', 13n), table)).toBe(0n)
  })
  it('stays exact on values above 2^53', () => {
    // (2^63 - 1) × 750 / 10_000 = 691752902764108185.525
    expect(costOf(conversion('affiliate', 'purchase', 9_223_372_036_854_775_807n), table)).toBe(
      691_752_902_764_108_185n,
    )
  })
  it('charges nothing for a conversion that is not a purchase', () => {
    expect(costOf(conversion('affiliate', 'lead', 80_000_000n), table)).toBe(0n)
    expect(costOf(conversion('affiliate', 'signup', 80_000_000n), table)).toBe(0n)
  })
  it('charges nothing for a purchase without value', () => {
    expect(costOf({ ...conversion('affiliate', 'purchase', 0n), value_micros: null }, table)).toBe(0n)
  })
  it('charges nothing for an impression or a click', () => {
    expect(costOf(impression('affiliate'), table)).toBe(0n)
    expect(costOf(click('affiliate'), table)).toBe(0n)
  })
  it('charges the whole value at 10000 bps and nothing at 0 bps', () => {
    const full = tableOf({ affiliate: { model: 'CPS', rate_bps: 10_000 } })
    const none = tableOf({ affiliate: { model: 'CPS', rate_bps: 0 } })
    expect(costOf(conversion('affiliate', 'purchase', 12_345_678n), full)).toBe(12_345_678n)
    expect(costOf(conversion('affiliate', 'purchase', 12_345_678n), none)).toBe(0n)
  })
})

describe('costOf: explicit cost and model lookup', () => {
  const table = tableOf({ display: CPM, search: CPC, crm: CPA, affiliate: CPS })

  it('uses an explicit cost_micros over any model', () => {
    expect(costOf({ ...impression('display'), cost_micros: 7n }, table)).toBe(7n)
    expect(costOf({ ...click('search'), cost_micros: 0n }, table)).toBe(0n)
    expect(
      costOf({ ...conversion('affiliate', 'purchase', 80_000_000n), cost_micros: 123_456n }, table),
    ).toBe(123_456n)
  })

  it('uses an explicit cost_micros where the model would charge nothing', () => {
    expect(costOf({ ...impression('search'), cost_micros: 55n }, table)).toBe(55n)
    expect(costOf({ ...click('unknown-channel'), cost_micros: 9_007_199_254_740_993n }, table)).toBe(
      9_007_199_254_740_993n,
    )
  })

  it("uses the campaign's model over its channel's", () => {
    const withCampaign = tableOf({ search: CPC }, { 'camp-vip': { model: 'CPC', rate_micros: 2_000_000n } })
    expect(costOf(click('search', 'camp-vip'), withCampaign)).toBe(2_000_000n)
    expect(costOf(click('search', 'camp-other'), withCampaign)).toBe(1_234_567n)
  })

  it("uses the campaign's model even when it charges for another event type", () => {
    const withCampaign = tableOf({ display: CPM }, { 'camp-cpc': { model: 'CPC', rate_micros: 300_000n } })
    expect(costOf(impression('display', 'camp-cpc'), withCampaign)).toBe(0n)
    expect(costOf(click('display', 'camp-cpc'), withCampaign)).toBe(300_000n)
    expect(costOf(impression('display', 'camp-other'), withCampaign)).toBe(2_500n)
  })

  it("uses a campaign's model on a channel without model", () => {
    const withCampaign = tableOf({}, { 'camp-x': CPA })
    expect(costOf(conversion('email', 'lead', 0n, 'camp-x'), withCampaign)).toBe(4_000_000n)
  })

  it('charges 0 on an unknown channel', () => {
    expect(costOf(impression('email'), table)).toBe(0n)
    expect(costOf(click('email'), table)).toBe(0n)
    expect(costOf(conversion('email', 'purchase', 80_000_000n), table)).toBe(0n)
    expect(costOf(click('search'), tableOf({}))).toBe(0n)
  })
})

describe('costOf: spend of many events', () => {
  it('sums to the independently computed total', () => {
    const table = tableOf(
      { display: CPM, search: CPC, crm: CPA, affiliate: CPS },
      { 'camp-vip': { model: 'CPC', rate_micros: 2_000_000n } },
    )
    const events: Priceable[] = []
    for (let i = 0; i < 1000; i++) events.push(impression('display')) // 1000 × 2_500 = 2_500_000
    for (let i = 0; i < 100; i++) events.push(impression('search')) // 0
    for (let i = 0; i < 37; i++) events.push(click('search')) // 37 × 1_234_567 = 45_678_979
    for (let i = 0; i < 5; i++) events.push(click('search', 'camp-vip')) // 5 × 2_000_000 = 10_000_000
    for (let i = 0; i < 3; i++) events.push(conversion('affiliate', 'purchase', 19_999_999n)) // 3 × 1_499_999
    for (let i = 0; i < 4; i++) events.push(conversion('crm', 'lead', 0n)) // 4 × 4_000_000 = 16_000_000
    for (let i = 0; i < 2; i++) events.push(conversion('crm', 'purchase', 1_000_000n)) // 0
    for (let i = 0; i < 6; i++) events.push(click('email')) // 0
    events.push({ ...click('search'), cost_micros: 123n }) // 123
    let total = 0n
    for (const event of events) total += costOf(event, table)
    expect(total).toBe(78_679_099n)
  })
})

describe('parsePricingTable', () => {
  it('reads every model, with rates as integers or digit strings', () => {
    const result = parsePricingTable({
      channels: {
        display: { model: 'CPM', rate_micros: 2_500_000 },
        search: { model: 'CPC', rate_micros: '9007199254740993' },
        crm: { model: 'CPA', rate_micros: 4_000_000, actions: ['lead', 'signup'] },
        affiliate: { model: 'CPS', rate_bps: 750 },
      },
      campaigns: { 'camp-vip': { model: 'CPC', rate_micros: 2_000_000 } },
    })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(Object.fromEntries(result.table.channels)).toEqual({
      display: { model: 'CPM', rate_micros: 2_500_000n },
      search: { model: 'CPC', rate_micros: 9_007_199_254_740_993n },
      crm: { model: 'CPA', rate_micros: 4_000_000n, actions: ['lead', 'signup'] },
      affiliate: { model: 'CPS', rate_bps: 750 },
    })
    expect(Object.fromEntries(result.table.campaigns)).toEqual({
      'camp-vip': { model: 'CPC', rate_micros: 2_000_000n },
    })
  })

  it('accepts missing sections as empty', () => {
    const result = parsePricingTable({})
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.table.channels.size).toBe(0)
    expect(result.table.campaigns.size).toBe(0)
  })

  const errorsOf = (json: unknown): string[] => {
    const result = parsePricingTable(json)
    if (result.ok) throw new Error('expected errors')
    return result.errors
  }

  it('rejects a CPM rate that is not a multiple of 1000 micros', () => {
    expect(errorsOf({ channels: { display: { model: 'CPM', rate_micros: 2_500 + 1 } } })).toEqual([
      'channels.display.rate_micros: a CPM rate must be a multiple of 1000 micros, got 2501',
    ])
  })

  it('rejects an unknown model', () => {
    expect(errorsOf({ campaigns: { c7: { model: 'CPX', rate_micros: 1 } } })).toEqual([
      'campaigns.c7.model: expected CPM, CPC, CPA, CPS, CPE or CPV, got "CPX"',
    ])
    expect(errorsOf({ channels: { search: { rate_micros: 1 } } })).toEqual([
      'channels.search.model: expected CPM, CPC, CPA, CPS, CPE or CPV, got undefined',
    ])
  })

  it('rejects basis points outside 0-10000 or not an integer', () => {
    for (const bps of [10_001, -1, 7.5, '750']) {
      const errors = errorsOf({ channels: { affiliate: { model: 'CPS', rate_bps: bps } } })
      expect(errors).toHaveLength(1)
      expect(errors[0]).toBe(
        `channels.affiliate.rate_bps: expected an integer 0-10000 (basis points of the sale), got ${JSON.stringify(bps)}`,
      )
    }
  })

  it('rejects a CPA model without actions', () => {
    for (const actions of [undefined, [], ['lead', 3], 'lead']) {
      const errors = errorsOf({ channels: { crm: { model: 'CPA', rate_micros: 4_000_000, actions } } })
      expect(errors).toEqual([
        'channels.crm.actions: expected a non-empty list of action names, e.g. ["lead", "signup"]',
      ])
    }
  })

  it('rejects bad rates naming the entry and field', () => {
    for (const rate of [-1, 1.5, '1e6', '', null, 2 ** 53]) {
      const errors = errorsOf({ campaigns: { c1: { model: 'CPC', rate_micros: rate } } })
      expect(errors).toHaveLength(1)
      expect(errors[0]).toMatch(/^campaigns\.c1\.rate_micros: expected integer micros >= 0, got /)
    }
  })

  it('rejects an unknown top-level key', () => {
    expect(errorsOf({ channel: {} })).toEqual(['pricing: unknown key "channel"'])
  })

  it('rejects a non-object root, section and entry', () => {
    expect(errorsOf([])).toHaveLength(1)
    expect(errorsOf(null)).toHaveLength(1)
    expect(errorsOf({ channels: [] })).toEqual(['channels: expected an object of name → model'])
    expect(errorsOf({ channels: { search: 'CPC' } })).toEqual([
      'channels.search: expected an object with "model"',
    ])
  })

  it('reports every error at once', () => {
    const errors = errorsOf({
      extra: 1,
      channels: {
        display: { model: 'CPM', rate_micros: 1_500 },
        search: { model: 'CPC', rate_micros: 100_000 },
      },
      campaigns: { c2: { model: 'CPS', rate_bps: 20_000 } },
    })
    expect(errors).toEqual([
      'pricing: unknown key "extra"',
      'channels.display.rate_micros: a CPM rate must be a multiple of 1000 micros, got 1500',
      'campaigns.c2.rate_bps: expected an integer 0-10000 (basis points of the sale), got 20000',
    ])
  })
})
