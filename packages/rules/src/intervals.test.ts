import { describe, expect, it } from 'vitest'
import { anytimePoissonUpper } from './anytime-poisson.ts'
import {
  cpaInterval,
  poissonMean,
  revenueInterval,
  roasInterval,
  roiInterval,
  wilson,
  zOf,
} from './intervals.ts'
import { normalQuantile } from './normal-quantile.ts'

// z of a one-sided 95 % bound: Φ⁻¹(0.95) = 1.6448536269514715 (tables: 1.6449).
const Z = 1.6448536269514715

describe('normalQuantile', () => {
  it('matches the tables', () => {
    expect(normalQuantile(0.95)).toBeCloseTo(Z, 8)
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8)
    expect(normalQuantile(0.5)).toBe(0)
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326347874040841, 8) // lower tail branch
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232306167814, 7) // upper tail branch
    expect(zOf(0.95)).toBeCloseTo(Z, 8)
  })

  it('refuses probabilities outside (0, 1)', () => {
    expect(() => normalQuantile(1)).toThrow(RangeError)
    expect(() => normalQuantile(0)).toThrow(RangeError)
  })
})

describe('wilson', () => {
  it('2 of 10: center (0.2 + z²/20) / (1 + z²/10), half-width z·√(0.016 + z²/400) / (1 + z²/10)', () => {
    // z² = 2.70554; denominator 1.270554; center 0.335277 / 1.270554 = 0.263882;
    // half = 1.644854 · √(0.016 + 0.006764) / 1.270554 = 0.195325
    const interval = wilson(2, 10, Z)
    expect(interval?.lower).toBeCloseTo(0.068558, 5)
    expect(interval?.upper).toBeCloseTo(0.459207, 5)
  })

  it('0 of 20 still has an upper bound above 0', () => {
    // z²/n / (1 + z²/n) = 0.135277 / 1.135277 = 0.119158
    const interval = wilson(0, 20, Z)
    expect(interval?.lower).toBe(0)
    expect(interval?.upper).toBeCloseTo(0.119158, 5)
  })

  it('is null without trials', () => {
    expect(wilson(0, 0, Z)).toBeNull()
  })
})

describe('poissonMean', () => {
  it('n = 0: lower 0, upper (1 − 1/9 + z/3)³ = 2.968 (exact chi-square bound 2.996)', () => {
    const bounds = poissonMean(0, Z)
    expect(bounds.lower).toBe(0)
    expect(bounds.upper).toBeCloseTo(2.968435, 5)
  })

  it('n = 4: 4·(1 − 1/36 − z/6)³ and 5·(1 − 1/45 + z/(3√5))³ (exact 1.366 and 9.154)', () => {
    const bounds = poissonMean(4, Z)
    expect(bounds.lower).toBeCloseTo(1.360741, 5)
    expect(bounds.upper).toBeCloseTo(9.145891, 5)
  })

  it('n = 100: close to the normal bounds 100 ∓ z·10', () => {
    const bounds = poissonMean(100, Z)
    expect(bounds.lower).toBeCloseTo(84.139396, 4)
    expect(bounds.upper).toBeCloseTo(118.078513, 4)
  })
})

describe('revenueInterval', () => {
  // At 95 %, the count bound's always-valid Poisson upper bound for 4 conversions is the λ with
  // L(4, λ) = 4!·(e^λ − 1 − λ − λ²/2 − λ³/6 − λ⁴/24)/λ⁵ = 20: λ = 12.42 (worked in anytime-poisson.test.ts).
  const U4 = anytimePoissonUpper(4, 0.05)

  it('few equal conversions: the count bound is the wider one above, the normal one below', () => {
    // 4 conversions of 10,000,000 micros: revenue 40e6, Σx² = 4e14, z·√Σx² = 32,897,072.5
    // normal: [7,102,927.5, 72,897,072.5]; one-look count lower: 10e6 × 1.360741 = 13.61e6
    // lower min(7.10e6, 13.61e6) = 7.10e6; upper max(72.90e6, 10e6 × 12.42) = 124.2e6
    const interval = revenueInterval({ conversions: 4, revenue: 40e6, revenueSquares: 4e14 }, 0.95)
    expect(interval.lower).toBeCloseTo(7_102_927.46, 1)
    expect(U4).toBeCloseTo(12.42, 2)
    expect(interval.upper).toBeCloseTo(10e6 * U4, 1)
  })

  it('one big order among small ones: the normal bound carries the skew', () => {
    // values 1, 1, 1, 97 units: revenue 100e6, Σx² = 9412e12, z·√Σx² = 159,576,235.7
    // normal: [−59.6e6 → 0, 259.58e6]; count upper: 25e6 × 12.42 = 310.5e6 (the wider)
    const sample = { conversions: 4, revenue: 100e6, revenueSquares: 9412e12 }
    const interval = revenueInterval(sample, 0.95)
    expect(interval.lower).toBe(0)
    expect(interval.upper).toBeCloseTo(25e6 * U4, 1)
    // where the shop says a conversion is worth 5e6 (all pooled), the count bound is
    // 5e6 × 12.42 = 62.1e6 and the normal bound, 259.58e6, keeps the big order
    const pooled = revenueInterval(sample, 0.95, { meanValue: 5e6, credibility: Number.POSITIVE_INFINITY })
    expect(pooled.upper).toBeCloseTo(259_576_235.67, -1) // z from the tables vs the rational approximation
  })

  it('prices conversions at the credible mean value of the prior', () => {
    // prior: the shop's mean 20e6, k = 2. The entity's 4 conversions of 10e6:
    // credible value (40e6 + 2·20e6)/(4 + 2) = 13,333,333.3; upper 13.33e6 × 12.47
    const prior = { meanValue: 20e6, credibility: 2 }
    const interval = revenueInterval({ conversions: 4, revenue: 40e6, revenueSquares: 4e14 }, 0.95, prior)
    expect(interval.upper).toBeCloseTo((80e6 / 6) * U4, 1)
    expect(interval.lower).toBeCloseTo(7_102_927.46, 1) // the lower bound is the entity's own
    // all pooled (k = ∞): the shop's value
    const pooled = { meanValue: 20e6, credibility: Number.POSITIVE_INFINITY }
    expect(
      revenueInterval({ conversions: 4, revenue: 40e6, revenueSquares: 4e14 }, 0.95, pooled).upper,
    ).toBeCloseTo(20e6 * U4, 1)
  })

  it('no conversion: the prior prices the always-valid upper bound, without it the bound is infinite', () => {
    // (e^λ − 1)/λ = 20 at λ = 4.5139: e^4.5139 = 91.2788, 90.2788 / 4.5139 = 20.000
    const none = { conversions: 0, revenue: 0, revenueSquares: 0 }
    const interval = revenueInterval(none, 0.95, { meanValue: 20e6, credibility: 5 })
    expect(interval.lower).toBe(0)
    expect(interval.upper / 20e6).toBeCloseTo(4.5139, 3)
    expect(revenueInterval(none, 0.95)).toEqual({ lower: 0, upper: Number.POSITIVE_INFINITY })
  })
})

describe('roi, roas and cpa intervals', () => {
  it('map the revenue bounds through the exact spend', () => {
    const revenue = { lower: 5e6, upper: 30e6 }
    expect(roiInterval(revenue, 10e6)).toEqual({ lower: -0.5, upper: 2 })
    expect(roasInterval(revenue, 10e6)).toEqual({ lower: 0.5, upper: 3 })
    expect(roiInterval(revenue, 0)).toBeNull()
    expect(roasInterval(revenue, 0)).toBeNull()
  })

  it('cpa divides spend by the Poisson bounds of the conversions', () => {
    // 4 conversions, spend 40e6: [40e6 / 9.145891, 40e6 / 1.360741]
    const cpa = cpaInterval(4, 40e6, Z)
    expect(cpa?.lower).toBeCloseTo(4_373_548.72, 1)
    expect(cpa?.upper).toBeCloseTo(29_395_747.24, 1)
    expect(cpaInterval(0, 40e6, Z)?.upper).toBe(Number.POSITIVE_INFINITY)
    expect(cpaInterval(3, 0, Z)).toBeNull()
  })
})
