import { describe, expect, it } from 'vitest'
import { anytimePoissonUpper, mixtureLikelihoodRatio } from './anytime-poisson.ts'
import { poissonMean, zOf } from './intervals.ts'

// Closed forms of L(n, λ) = ∫₀¹ rⁿ e^{(1−r)λ} dr, by integrating by parts (independent of the series):
const L0 = (u: number) => (Math.exp(u) - 1) / u
const L1 = (u: number) => (Math.exp(u) - 1 - u) / u ** 2
const L4 = (u: number) => (24 * (Math.exp(u) - 1 - u - u ** 2 / 2 - u ** 3 / 6 - u ** 4 / 24)) / u ** 5

describe('mixtureLikelihoodRatio', () => {
  it('matches the closed forms', () => {
    expect(mixtureLikelihoodRatio(0, 1)).toBeCloseTo(Math.E - 1, 12) // 1.718281828
    expect(mixtureLikelihoodRatio(1, 2)).toBeCloseTo(L1(2), 12) // (e² − 3)/4 = 1.097264
    expect(mixtureLikelihoodRatio(4, 7)).toBeCloseTo(L4(7), 10)
    expect(mixtureLikelihoodRatio(3, 0)).toBe(0.25) // 1/(n+1) where nothing was expected
  })
})

describe('anytimePoissonUpper', () => {
  it('n = 0 at α = 0.1: (e^λ − 1)/λ = 10 at λ = 3.6150 (one look: −ln 0.1 = 2.3026)', () => {
    // e^3.6150 = 37.1540; 36.1540 / 3.6150 = 10.0012
    const u = anytimePoissonUpper(0, 0.1)
    expect(u).toBeCloseTo(3.615, 3)
    expect(L0(u)).toBeCloseTo(10, 8)
  })

  it('n = 1 at α = 0.1: (e^λ − 1 − λ)/λ² = 10 at λ = 5.858', () => {
    // e^5.858 = 349.9; (349.9 − 6.858) / 34.316 = 9.997
    const u = anytimePoissonUpper(1, 0.1)
    expect(u).toBeCloseTo(5.858, 2)
    expect(L1(u)).toBeCloseTo(10, 8)
  })

  it('n = 4 at α = 0.05: L(4, λ) = 20 at λ = 12.42', () => {
    // e^12.42 = 247,706.6; minus 1 + 12.42 + 77.13 + 319.3 + 991.5 = 1401.4 → 246,305.3;
    // × 24 = 5,911,327; 12.42⁵ = 295,554; 5,911,327 / 295,554 = 20.001
    const u = anytimePoissonUpper(4, 0.05)
    expect(u).toBeCloseTo(12.42, 2)
    expect(L4(u)).toBeCloseTo(20, 6)
  })

  it('is wider than the one-look bound, by less as the count grows', () => {
    for (const n of [0, 3, 30, 300, 3000]) {
      const once = poissonMean(n, zOf(0.9)).upper
      const always = anytimePoissonUpper(n, 0.1)
      expect(always).toBeGreaterThan(once)
      expect(mixtureLikelihoodRatio(n, always)).toBeCloseTo(10, 6)
    }
    expect(anytimePoissonUpper(3000, 0.1) / 3000).toBeLessThan(1.08)
  })

  it('refuses a level outside (0, 1) and a count that is not one', () => {
    expect(() => anytimePoissonUpper(1, 0)).toThrow(RangeError)
    expect(() => anytimePoissonUpper(1, 1)).toThrow(RangeError)
    expect(() => anytimePoissonUpper(1.5, 0.1)).toThrow(RangeError)
  })
})
