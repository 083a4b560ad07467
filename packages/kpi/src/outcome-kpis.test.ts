import { describe, expect, it } from 'vitest'
import { actionKpisByName, deriveActionKpis, deriveEngagementKpis } from './outcome-kpis.ts'

describe('deriveEngagementKpis', () => {
  it('computes the engagement rate and the cost per engagement', () => {
    // 37 / 12_345 = 0.0029971648...; 98_765_432 / 37 = 2_669_335.99... → 2_669_336
    const kpis = deriveEngagementKpis({ impressions: 12_345, engagements: 37, spend_micros: 98_765_432n })
    expect(kpis.engagement_rate).toBeCloseTo(0.00299716484, 10)
    expect(kpis.cpe_micros).toBe('2669336')
    expect(deriveEngagementKpis({ impressions: 400, engagements: 10, spend_micros: 5_000_000n })).toEqual({
      engagement_rate: 0.025,
      cpe_micros: '500000',
    })
  })

  it('is null on each zero denominator, and 0 money per engagement without spend', () => {
    expect(deriveEngagementKpis({ impressions: 0, engagements: 0, spend_micros: 7n })).toEqual({
      engagement_rate: null,
      cpe_micros: null,
    })
    expect(deriveEngagementKpis({ impressions: 0, engagements: 4, spend_micros: 10n })).toEqual({
      engagement_rate: null,
      cpe_micros: '3', // 2.5 rounded half up
    })
    expect(deriveEngagementKpis({ impressions: 50, engagements: 0, spend_micros: 10n })).toEqual({
      engagement_rate: 0,
      cpe_micros: null,
    })
    expect(deriveEngagementKpis({ impressions: 50, engagements: 5, spend_micros: 0n }).cpe_micros).toBe('0')
  })
})

describe('deriveActionKpis', () => {
  it("divides the row's spend by the action's conversions and engagements", () => {
    // 10,000,000 micros spent, 12 leads worth 30,000,000: 833,333.33 per lead
    expect(
      deriveActionKpis(10_000_000n, { conversions: 12, engagements: 0, revenue_micros: 30_000_000n }),
    ).toEqual({
      conversions: 12,
      revenue_micros: '30000000',
      cpa_micros: '833333',
      engagements: 0,
      cpe_micros: null,
    })
    // 3 likes of the same spend: 3,333,333.33 per like; no conversion
    expect(deriveActionKpis(10_000_000n, { conversions: 0, engagements: 3, revenue_micros: 0n })).toEqual({
      conversions: 0,
      revenue_micros: '0',
      cpa_micros: null,
      engagements: 3,
      cpe_micros: '3333333',
    })
  })

  it('rounds half up and keeps money past 2^64 exact', () => {
    expect(deriveActionKpis(5n, { conversions: 2, engagements: 4, revenue_micros: 0n })).toMatchObject({
      cpa_micros: '3', // 2.5
      cpe_micros: '1', // 1.25
    })
    const spend = 2n ** 70n // 1_180_591_620_717_411_303_424
    expect(deriveActionKpis(spend, { conversions: 3, engagements: 0, revenue_micros: spend })).toMatchObject({
      revenue_micros: '1180591620717411303424',
      cpa_micros: '393530540239137101141', // 2^70 / 3 = …141.33
    })
  })
})

describe('actionKpisByName', () => {
  it('keys each action by its name, in the order given', () => {
    const actions = actionKpisByName(8_000_000n, [
      { action: 'lead', conversions: 4, engagements: 0, revenue_micros: 0n },
      { action: 'purchase', conversions: 1, engagements: 0, revenue_micros: 25_000_000n },
      { action: 'share', conversions: 0, engagements: 16, revenue_micros: 0n },
    ])
    expect(Object.keys(actions)).toEqual(['lead', 'purchase', 'share'])
    expect(actions.lead?.cpa_micros).toBe('2000000')
    expect(actions.purchase).toEqual({
      conversions: 1,
      revenue_micros: '25000000',
      cpa_micros: '8000000',
      engagements: 0,
      cpe_micros: null,
    })
    expect(actions.share?.cpe_micros).toBe('500000')
  })

  it('keeps an action named like a property every object has', () => {
    const actions = actionKpisByName(6n, [
      { action: '__proto__', conversions: 2, engagements: 0, revenue_micros: 0n },
      { action: 'constructor', conversions: 3, engagements: 0, revenue_micros: 0n },
    ])
    expect(Object.keys(actions)).toEqual(['__proto__', 'constructor'])
    expect(JSON.parse(JSON.stringify(actions))).toEqual({
      ['__proto__']: expect.objectContaining({ cpa_micros: '3' }),
      constructor: expect.objectContaining({ cpa_micros: '2' }),
    })
    expect(Object.hasOwn(actions, '__proto__')).toBe(true)
    expect(actionKpisByName(1n, [])).toEqual({})
  })
})
