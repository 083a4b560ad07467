import { describe, expect, it } from 'vitest'
import { seededUniform } from './seeded-draws.ts'
import { DEFAULT_SPLIT_PRIOR, liftSequence, logSplitMixture, rateAbove } from './split-test.ts'

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

describe('liftSequence (the hand-worked example of docs/experiments.md)', () => {
  const a = { successes: 20, trials: 100 }
  const b = { successes: 0, trials: 100 }
  // Default prior, s = ½: the marginal is 0.9 · 2.3791 / 2²⁰ + 0.1 / 21 = 0.0047639, ln = −5.346679.
  // E(π0) = marginal / (1 − π0)²⁰ for B's share π0 (B has no success), inside while below 20:
  // ln(1 − π0) > (−5.346679 − ln 20) / 20 = −8.342411 / 20 = −0.4171206: 1 − π0 > 0.658941, π0 < 0.341059.
  // B's ratio to A: 0.341059 / 0.658941 = 0.517585, lift −0.482415; A's over B: 1 / 0.517585 − 1 = 0.932048.
  it("bounds B's lift over A by −0.482415 and A's over B by 0.932048, unbounded on the side without successes", () => {
    const bOverA = liftSequence(b, a, 0.05)
    expect(bOverA.lower).toBe(-1)
    expect(bOverA.upper).toBeCloseTo(-0.482415, 5)
    const aOverB = liftSequence(a, b, 0.05)
    expect(aOverB.lower).toBeCloseTo(0.932048, 5)
    expect(aOverB.upper).toBe(Number.POSITIVE_INFINITY)
  })

  it('is above 0 exactly when rateAbove holds, holds the estimate, and knows nothing without successes', () => {
    const draws = seededUniform(11)
    for (let i = 0; i < 200; i++) {
      const x = { successes: Math.floor(draws() * 60), trials: 2_000 }
      const y = { successes: Math.floor(draws() * 60), trials: 1_000 + Math.floor(draws() * 2_000) }
      const lift = liftSequence(x, y, 0.05)
      expect(lift.lower > 0).toBe(rateAbove(x, y, 0.05))
      if (x.successes > 0 && y.successes > 0) {
        const estimate = x.successes / x.trials / (y.successes / y.trials) - 1
        expect(lift.lower).toBeLessThanOrEqual(estimate)
        expect(lift.upper).toBeGreaterThanOrEqual(estimate)
      }
    }
    expect(liftSequence({ successes: 0, trials: 10 }, { successes: 0, trials: 10 }, 0.05)).toEqual({
      lower: -1,
      upper: Number.POSITIVE_INFINITY,
    })
  })

  it('covers the true lift at every look in fewer than α of seeded sequences (2 % against 2.4 %, read every 500)', () => {
    const draws = seededUniform(29)
    let missed = 0
    for (let run = 0; run < 200; run++) {
      const x = { successes: 0, trials: 0 }
      const y = { successes: 0, trials: 0 }
      let ever = false
      for (let look = 0; look < 40 && !ever; look++) {
        for (let t = 0; t < 500; t++) {
          x.successes += draws() < 0.024 ? 1 : 0
          y.successes += draws() < 0.02 ? 1 : 0
        }
        x.trials += 500
        y.trials += 500
        const lift = liftSequence(x, y, 0.05)
        ever = lift.lower > 0.2 || lift.upper < 0.2
      }
      if (ever) missed += 1
    }
    expect(missed / 200).toBeLessThan(0.05)
  })
})
