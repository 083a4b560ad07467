import { describe, expect, it } from 'vitest'
import { normalQuantile, plannedTrials, twoProportionZ, zTestWinner } from './experiment-stats.ts'

describe('normalQuantile', () => {
  it('gives the textbook critical values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6)
    expect(normalQuantile(0.8)).toBeCloseTo(0.841621, 6)
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12)
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 6)
    expect(normalQuantile(1 - 0.0125)).toBeCloseTo(2.241403, 6)
  })
})

describe('twoProportionZ', () => {
  it('is the pooled statistic worked by hand', () => {
    // 150/1000 vs 120/1000: pooled 0.135, SE √(0.135 · 0.865 · 2/1000) = 0.0152824, z = 0.03 / SE.
    const z = twoProportionZ({ successes: 150, trials: 1000 }, { successes: 120, trials: 1000 })
    expect(z).toBeCloseTo(0.03 / Math.sqrt(0.135 * 0.865 * 0.002), 12)
    expect(z).toBeCloseTo(1.963049, 5)
    expect(twoProportionZ({ successes: 120, trials: 1000 }, { successes: 150, trials: 1000 })).toBeCloseTo(
      -z,
      12,
    )
  })

  it('is 0 without trials or without variance', () => {
    expect(twoProportionZ({ successes: 0, trials: 0 }, { successes: 3, trials: 10 })).toBe(0)
    expect(twoProportionZ({ successes: 0, trials: 10 }, { successes: 0, trials: 10 })).toBe(0)
  })
})

describe('plannedTrials', () => {
  it('gives Fleiss’s 686 per group for 10 % vs 15 % at α 0.05 two-sided and power 0.8', () => {
    // (1.959964 √(2 · 0.125 · 0.875) + 0.841621 √(0.09 + 0.1275))² / 0.05² = 685.6
    expect(plannedTrials(0.1, 0.15, 0.05, 0.8)).toBe(686)
    expect(plannedTrials(0.15, 0.1, 0.05, 0.8)).toBe(686)
  })

  it('grows as the effect shrinks (1 / δ²) and as the level tightens', () => {
    const ten = plannedTrials(0.02, 0.022, 0.05, 0.8)
    const five = plannedTrials(0.02, 0.021, 0.05, 0.8)
    expect(five / ten).toBeGreaterThan(3.8)
    expect(five / ten).toBeLessThan(4.1)
    expect(plannedTrials(0.02, 0.022, 0.025, 0.8)).toBeGreaterThan(ten)
    // A 10 % lift on a 2 % CTR: about 80,700 impressions per ad.
    expect(ten).toBeGreaterThan(80_000)
    expect(ten).toBeLessThan(81_500)
  })
})

describe('zTestWinner', () => {
  const arm = (successes: number, trials = 1000) => ({ successes, trials })

  it('declares the best arm when it beats every other at α / (K − 1)', () => {
    expect(zTestWinner([arm(120), arm(150)], 0.05)).toBe(1) // z 1.963 ≥ 1.960
    expect(zTestWinner([arm(120), arm(149)], 0.05)).toBeNull() // z 1.90
    // Three arms: each comparison at 0.025, critical value 2.2414.
    expect(zTestWinner([arm(150), arm(120), arm(100)], 0.05)).toBeNull()
    expect(zTestWinner([arm(160), arm(120), arm(100)], 0.05)).toBe(0)
  })
})
