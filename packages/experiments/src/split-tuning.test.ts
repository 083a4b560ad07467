import { describe, expect, it } from 'vitest'
import { DEFAULT_SPLIT_PRIOR } from './split-test.ts'
import { decisionSuccesses, pairPrior, tunedSplitPrior, tunedStrength } from './split-tuning.ts'

describe('the prior tuned to a minimum lift (docs/experiments.md, Tuning to the minimum lift)', () => {
  // L = 0.15, s = ½, α = 0.05, w = 0.9:
  //   ℓ = ln(1 / 0.045) = 3.101093; D = 2ℓ + ln(1 + 2ℓ) = 6.202186 + ln 7.202186 = 6.202186 + 1.974384 = 8.176570
  //   σ²/d² = (1 + L/2)² / (¼ L²) = 1.075² / 0.005625 = 1.155625 / 0.005625 = 205.4444
  //   n = 205.4444 · (1 + D)(2ℓ + ln(1 + D)) / D = 205.4444 · 9.176570 · (6.202186 + 2.216654) / 8.176570
  //     = 205.4444 · 9.176570 · 8.418840 / 8.176570 = 1941.14 successes
  //   m = n / D − 1 = 1941.14 / 8.176570 − 1 = 237.40 − 1 = 236.40
  it('finds the successes to decide a 15 % lift and the strength m by hand', () => {
    expect(decisionSuccesses(0.15, 0.5, 0.05)).toBeCloseTo(1941.14, 1)
    expect(tunedStrength(0.15, 0.5, 0.05)).toBeCloseTo(236.4, 1)
    expect(tunedSplitPrior(0.15, 0.5, 0.05)).toEqual([
      { strength: expect.closeTo(236.4, 1), weight: 0.9 },
      { strength: 2, weight: expect.closeTo(0.1, 12) },
    ])
  })

  // L = 0.3: σ²/d² = 1.15² / (¼ · 0.09) = 1.3225 / 0.0225 = 58.7778; n = 58.7778 · 9.448466 = 555.36; m = 555.36 / 8.176570 − 1 = 66.92.
  // L = 0.05: σ²/d² = 1.025² / 0.000625 = 1681; n = 1681 · 9.448466 = 15,882.9; m = 1941.5.
  it('is weaker for a larger lift and stronger for a smaller one (∝ (1 + sL)² / L²)', () => {
    expect(tunedStrength(0.3, 0.5, 0.05)).toBeCloseTo(66.92, 1)
    expect(tunedStrength(0.05, 0.5, 0.05)).toBeCloseTo(1941.5, 0)
    // A stricter α needs more successes: ℓ grows.
    expect(decisionSuccesses(0.15, 0.5, 0.01)).toBeGreaterThan(decisionSuccesses(0.15, 0.5, 0.05))
    // The default prior (m 200) is about the tuning for 16.5 %.
    expect(tunedStrength(0.165, 0.5, 0.05)).toBeCloseTo(197.9, 0)
  })

  it('never goes below the uniform prior, and refuses what it cannot tune for', () => {
    expect(tunedStrength(10, 0.5, 0.05)).toBe(2)
    expect(() => tunedStrength(0, 0.5, 0.05)).toThrow(RangeError)
    expect(() => tunedStrength(0.1, 1, 0.05)).toThrow(RangeError)
    expect(() => tunedStrength(0.1, 0.5, 0)).toThrow(RangeError)
  })

  it('pairPrior: the fallback without a minimum lift, the share of the trials with one (½ before any)', () => {
    const a = { successes: 10, trials: 3_000 }
    const b = { successes: 10, trials: 1_000 }
    expect(pairPrior(a, b, 0.05, undefined)).toBe(DEFAULT_SPLIT_PRIOR)
    expect(pairPrior(a, b, 0.05, 0.15)[0]?.strength).toBeCloseTo(tunedStrength(0.15, 0.75, 0.05), 10)
    expect(pairPrior({ successes: 0, trials: 0 }, b, 0.05, 0.15)[0]?.strength).toBeCloseTo(236.4, 1)
  })
})
