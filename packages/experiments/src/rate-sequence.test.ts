import { describe, expect, it } from 'vitest'
import { logBeta, logGamma } from './log-gamma.ts'
import { logMixtureRatio, rateSequence } from './rate-sequence.ts'
import { seededUniform } from './seeded-draws.ts'

describe('logGamma', () => {
  it('matches known values', () => {
    expect(logGamma(1)).toBeCloseTo(0, 13)
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13)
    // ln 100! = 363.73937555556347
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 10)
    expect(logBeta(1, 101)).toBeCloseTo(-Math.log(101), 12)
  })
})

describe('rateSequence (the hand-worked example of docs/experiments.md)', () => {
  const alpha = 0.025 // 95 % over two ads

  it('no conversion in 100 clicks: 1 − 4040^(−1/100) = 0.079686', () => {
    const { lower, upper } = rateSequence(0, 100, alpha)
    expect(lower).toBe(0)
    expect(upper).toBeCloseTo(1 - 4040 ** (-1 / 100), 11)
    expect(upper).toBeCloseTo(0.079686, 6)
  })

  it('20 conversions in 100 clicks: [0.087593, 0.358535], where M reaches 40', () => {
    const { lower, upper } = rateSequence(20, 100, alpha)
    expect(lower).toBeCloseTo(0.087593, 6)
    expect(upper).toBeCloseTo(0.358535, 6)
    expect(logBeta(21, 81)).toBeCloseTo(-52.345755, 6)
    expect(logMixtureRatio(20, 100, lower)).toBeCloseTo(Math.log(40), 9)
    expect(logMixtureRatio(20, 100, upper)).toBeCloseTo(Math.log(40), 9)
  })

  it('is wider than the one-look exact bound (the price of looking at will)', () => {
    // One look, exact binomial: 1 − 0.025^(1/100) = 0.0362.
    expect(rateSequence(0, 100, alpha).upper).toBeGreaterThan(2 * (1 - 0.025 ** (1 / 100)))
  })
})

describe('rateSequence properties', () => {
  it('holds the estimate, narrows as trials grow at the same rate, widens with confidence', () => {
    let width = Number.POSITIVE_INFINITY
    for (const n of [100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000]) {
      const k = n * 0.02
      const interval = rateSequence(k, n, 0.05)
      expect(interval.lower).toBeLessThan(0.02)
      expect(interval.upper).toBeGreaterThan(0.02)
      expect(interval.upper - interval.lower).toBeLessThan(width)
      width = interval.upper - interval.lower
      const wider = rateSequence(k, n, 0.01)
      expect(wider.lower).toBeLessThan(interval.lower)
      expect(wider.upper).toBeGreaterThan(interval.upper)
    }
  })

  it('knows nothing without trials, and caps successes at trials', () => {
    expect(rateSequence(0, 0, 0.05)).toEqual({ lower: 0, upper: 1 })
    expect(rateSequence(12, 10, 0.05)).toEqual(rateSequence(10, 10, 0.05))
    expect(rateSequence(10, 10, 0.05).upper).toBe(1)
  })

  it('refuses an α outside (0, 1)', () => {
    expect(() => rateSequence(1, 10, 0)).toThrow(RangeError)
    expect(() => rateSequence(1, 10, 1)).toThrow(RangeError)
  })

  it('misses the true rate at any of many looks in at most α of sequences (seeded)', () => {
    const alpha = 0.1
    const uniform = seededUniform(7)
    const sequences = 300
    let everMissed = 0
    for (let s = 0; s < sequences; s++) {
      const p = 0.01 + 0.09 * uniform()
      let k = 0
      for (let n = 1; n <= 2_000; n++) {
        if (uniform() < p) k += 1
        if (n % 20 !== 0) continue
        const { lower, upper } = rateSequence(k, n, alpha)
        if (p < lower || p > upper) {
          everMissed += 1
          break
        }
      }
    }
    expect(everMissed / sequences).toBeLessThan(alpha)
  })
})
