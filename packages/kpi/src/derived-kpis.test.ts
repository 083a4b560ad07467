import { describe, expect, it } from 'vitest'
import { deriveKpis, divideMicros, type KpiSums, ratio, roiOf } from './derived-kpis.ts'

const sums = (over: Partial<KpiSums>): KpiSums => ({
  impressions: 0,
  clicks: 0,
  conversions: 0,
  spend_micros: 0n,
  revenue_micros: 0n,
  ...over,
})

describe('deriveKpis', () => {
  it('computes every KPI from the sums', () => {
    const kpis = deriveKpis(
      sums({
        impressions: 12_345,
        clicks: 321,
        conversions: 17,
        spend_micros: 98_765_432n,
        revenue_micros: 123_456_789n,
      }),
    )
    // 321 / 12_345 = 0.0260024301...
    expect(kpis.ctr).toBeCloseTo(0.02600243013, 10)
    // 17 / 321 = 0.0529595015...
    expect(kpis.cvr).toBeCloseTo(0.05295950156, 10)
    // 98_765_432 / 321 = 307_680.47...
    expect(kpis.cpc_micros).toBe('307680')
    // 98_765_432 × 1000 / 12_345 = 8_000_440.016...
    expect(kpis.cpm_micros).toBe('8000440')
    // 98_765_432 / 17 = 5_809_731.29...
    expect(kpis.cpa_micros).toBe('5809731')
    // 123_456_789 / 98_765_432 = 1.249999989875
    expect(kpis.roas).toBeCloseTo(1.249999989875, 12)
    // (123_456_789 − 98_765_432) / 98_765_432 = 0.249999989875
    expect(kpis.roi).toBeCloseTo(0.249999989875, 12)
  })

  it('gives exact simple ratios', () => {
    const kpis = deriveKpis(
      sums({
        impressions: 1_000,
        clicks: 50,
        conversions: 5,
        spend_micros: 10_000_000n,
        revenue_micros: 5_000_000n,
      }),
    )
    expect(kpis).toEqual({
      ctr: 0.05,
      cvr: 0.1,
      cpc_micros: '200000',
      cpm_micros: '10000000',
      cpa_micros: '2000000',
      roas: 0.5,
      roi: -0.5,
    })
  })

  it('is null on each zero denominator', () => {
    expect(deriveKpis(sums({}))).toEqual({
      ctr: null,
      cvr: null,
      cpc_micros: null,
      cpm_micros: null,
      cpa_micros: null,
      roas: null,
      roi: null,
    })
    // no impressions: ctr and cpm
    const noImpressions = deriveKpis(
      sums({ clicks: 4, conversions: 2, spend_micros: 8n, revenue_micros: 16n }),
    )
    expect(noImpressions.ctr).toBeNull()
    expect(noImpressions.cpm_micros).toBeNull()
    expect(noImpressions.cvr).toBe(0.5)
    expect(noImpressions.cpc_micros).toBe('2')
    expect(noImpressions.cpa_micros).toBe('4')
    expect(noImpressions.roas).toBe(2)
    expect(noImpressions.roi).toBe(1)
    // no clicks: cvr and cpc
    const noClicks = deriveKpis(sums({ impressions: 10, conversions: 1, spend_micros: 30n }))
    expect(noClicks.cvr).toBeNull()
    expect(noClicks.cpc_micros).toBeNull()
    expect(noClicks.ctr).toBe(0)
    expect(noClicks.cpm_micros).toBe('3000')
    expect(noClicks.cpa_micros).toBe('30')
    // no conversions: cpa
    const noConversions = deriveKpis(sums({ impressions: 10, clicks: 3, spend_micros: 30n }))
    expect(noConversions.cpa_micros).toBeNull()
    expect(noConversions.cvr).toBe(0)
    expect(noConversions.cpc_micros).toBe('10')
    expect(noConversions.roas).toBe(0)
    expect(noConversions.roi).toBe(-1)
    // no spend: roas and roi, while money per unit is 0
    const noSpend = deriveKpis(sums({ impressions: 10, clicks: 3, conversions: 1, revenue_micros: 5n }))
    expect(noSpend.roas).toBeNull()
    expect(noSpend.roi).toBeNull()
    expect(noSpend.cpc_micros).toBe('0')
    expect(noSpend.cpm_micros).toBe('0')
    expect(noSpend.cpa_micros).toBe('0')
  })

  it('rounds money per unit half up', () => {
    expect(deriveKpis(sums({ clicks: 2, spend_micros: 5n })).cpc_micros).toBe('3') // 2.5
    expect(deriveKpis(sums({ clicks: 2, spend_micros: 3n })).cpc_micros).toBe('2') // 1.5
    expect(deriveKpis(sums({ clicks: 4, spend_micros: 7n })).cpc_micros).toBe('2') // 1.75
    expect(deriveKpis(sums({ clicks: 4, spend_micros: 5n })).cpc_micros).toBe('1') // 1.25
    expect(deriveKpis(sums({ clicks: 3, spend_micros: 1n })).cpc_micros).toBe('0') // 0.33
    expect(deriveKpis(sums({ impressions: 2_000, spend_micros: 1n })).cpm_micros).toBe('1') // 0.5
    expect(deriveKpis(sums({ impressions: 3_000, spend_micros: 1n })).cpm_micros).toBe('0') // 0.33
    expect(deriveKpis(sums({ conversions: 8, spend_micros: 12n })).cpa_micros).toBe('2') // 1.5
    expect(deriveKpis(sums({ conversions: 8, spend_micros: 11n })).cpa_micros).toBe('1') // 1.375
  })

  it('keeps money per unit exact beyond 2^64', () => {
    const kpis = deriveKpis(
      sums({ impressions: 3, clicks: 3, conversions: 3, spend_micros: 1_180_591_620_717_411_303_424n }), // 2^70
    )
    // 2^70 / 3 = 393_530_540_239_137_101_141.33
    expect(kpis.cpc_micros).toBe('393530540239137101141')
    expect(kpis.cpa_micros).toBe('393530540239137101141')
    // 2^70 × 1000 / 3 = 393_530_540_239_137_101_141_333.33
    expect(kpis.cpm_micros).toBe('393530540239137101141333')
  })
})

describe('roiOf', () => {
  it('is (revenue − spend) / spend, null without spend', () => {
    expect(roiOf(100n, 150n)).toBe(0.5)
    expect(roiOf(100n, 25n)).toBe(-0.75)
    expect(roiOf(100n, 0n)).toBe(-1)
    expect(roiOf(0n, 150n)).toBeNull()
    expect(roiOf(0n, 0n)).toBeNull()
  })
})

describe('divideMicros and ratio', () => {
  it('divides rounding half up, null on 0', () => {
    expect(divideMicros(10n, 4n)).toBe('3') // 2.5
    expect(divideMicros(9n, 4n)).toBe('2') // 2.25
    expect(divideMicros(0n, 7n)).toBe('0')
    expect(divideMicros(10n, 0n)).toBeNull()
  })

  it('gives the ratio of two big integers as a double', () => {
    expect(ratio(3n, 4n)).toBe(0.75)
    expect(ratio(2n ** 80n, 2n ** 79n)).toBe(2)
  })
})
