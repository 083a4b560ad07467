import { describe, expect, it } from 'vitest'
import { seededUniform } from './seeded-draws.ts'
import { DEFAULT_SPLIT_PRIOR, logSplitMixture, rateAbove } from './split-test.ts'

describe('logSplitMixture (the hand-worked example of docs/experiments.md)', () => {
  const a = { successes: 20, trials: 100 }
  const b = { successes: 0, trials: 100 }

  it('is 2^20 / 21 under the uniform prior (m = 2 at s = ½)', () => {
    expect(logSplitMixture(a, b, [{ strength: 2, weight: 1 }])).toBeCloseTo(Math.log(2 ** 20 / 21), 10)
  })

  it('is 0.9 · 2.3791 + 0.1 · 49,932.2 = 4,995.36 under the default prior', () => {
    expect(Math.exp(logSplitMixture(a, b, [{ strength: 200, weight: 1 }]))).toBeCloseTo(2.3791, 4)
    expect(Math.exp(logSplitMixture(a, b, DEFAULT_SPLIT_PRIOR))).toBeCloseTo(4995.36, 1)
    expect(rateAbove(a, b, 0.05)).toBe(true)
    expect(rateAbove(b, a, 0.05)).toBe(false)
  })

  it('is the same either way round, and 0 without trials', () => {
    const x = { successes: 130, trials: 5_000 }
    const y = { successes: 100, trials: 4_000 }
    expect(logSplitMixture(x, y, DEFAULT_SPLIT_PRIOR)).toBeCloseTo(
      logSplitMixture(y, x, DEFAULT_SPLIT_PRIOR),
      10,
    )
    expect(logSplitMixture({ successes: 0, trials: 0 }, y, DEFAULT_SPLIT_PRIOR)).toBe(0)
  })

  it('caps successes at trials, and refuses a prior that is not a distribution', () => {
    expect(logSplitMixture({ successes: 12, trials: 10 }, b, DEFAULT_SPLIT_PRIOR)).toBe(
      logSplitMixture({ successes: 10, trials: 10 }, b, DEFAULT_SPLIT_PRIOR),
    )
    expect(() => logSplitMixture(a, b, [{ strength: 2, weight: 0.5 }])).toThrow(RangeError)
    expect(() => logSplitMixture(a, b, [{ strength: 0, weight: 1 }])).toThrow(RangeError)
    expect(() => rateAbove(a, b, 1)).toThrow(RangeError)
  })
})

describe('rateAbove', () => {
  it('finds a 20 % lift on a 2 % rate within 100,000 trials an ad', () => {
    const uniform = seededUniform(3)
    const a = { successes: 0, trials: 0 }
    const b = { successes: 0, trials: 0 }
    let found = false
    for (let n = 1; n <= 100_000 && !found; n++) {
      a.trials += 1
      b.trials += 1
      if (uniform() < 0.024) a.successes += 1
      if (uniform() < 0.02) b.successes += 1
      if (n % 1_000 === 0) found = rateAbove(a, b, 0.05)
    }
    expect(found).toBe(true)
  })

  it('declares either of two equal ads better, at any of many looks, in fewer than α of seeded tests', () => {
    const alpha = 0.1
    const uniform = seededUniform(13)
    const tests = 300
    let wrong = 0
    for (let t = 0; t < tests; t++) {
      const p = 0.01 + 0.04 * uniform()
      const a = { successes: 0, trials: 0 }
      const b = { successes: 0, trials: 0 }
      for (let n = 1; n <= 20_000; n++) {
        a.trials += 1
        b.trials += 1
        if (uniform() < p) a.successes += 1
        if (uniform() < p) b.successes += 1
        if (n % 100 !== 0) continue
        if (rateAbove(a, b, alpha) || rateAbove(b, a, alpha)) {
          wrong += 1
          break
        }
      }
    }
    expect(wrong / tests).toBeLessThan(alpha)
  })
})
