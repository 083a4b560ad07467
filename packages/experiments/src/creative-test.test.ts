import { describe, expect, it } from 'vitest'
import { type AdSums, compareAds } from './creative-test.ts'
import { logBeta } from './log-gamma.ts'
import { probabilityBest } from './probability-best.ts'
import { seededUniform } from './seeded-draws.ts'
import { DEFAULT_SPLIT_PRIOR, logSplitMixture } from './split-test.ts'

const ad = (ad_id: string, impressions: number, clicks: number, conversions = 0, revenue = 0n): AdSums => ({
  ad_id,
  impressions,
  clicks,
  conversions,
  revenue_micros: revenue,
})

describe('compareAds: the hand-worked example of docs/experiments.md', () => {
  // CVR at 95 %: ad A 20 conversions of 100 clicks, ad B none of 100.
  const result = compareAds([ad('A', 5_000, 100, 20), ad('B', 5_000, 100, 0)], 'cvr', { confidence: 0.95 })
  const [a, b] = result.ads

  it('gives each ad its interval at α/2 = 0.025 and declares A the winner (E = 4,995 ≥ 1/α = 20)', () => {
    expect(a?.estimate).toBe(0.2)
    expect(a?.interval.lower).toBeCloseTo(0.087593, 6)
    expect(a?.interval.upper).toBeCloseTo(0.358535, 6)
    expect(b?.estimate).toBe(0)
    expect(b?.interval.lower).toBe(0)
    expect(b?.interval.upper).toBeCloseTo(0.079686, 6)
    expect(result.bestAdId).toBe('A')
    expect(
      Math.exp(
        logSplitMixture({ successes: 20, trials: 100 }, { successes: 0, trials: 100 }, DEFAULT_SPLIT_PRIOR),
      ),
    ).toBeCloseTo(4995.36, 1)
    expect(result.status).toBe('winner')
  })

  it('gives B a lift of −100 % within [−100 %, −48.24 %], from the test of the two ads (the intervals alone: −9.03 %)', () => {
    expect(a?.lift).toEqual({ estimate: 0, lower: 0, upper: 0 })
    expect(b?.lift?.estimate).toBe(-1)
    expect(b?.lift?.lower).toBe(-1)
    // The test of two ads bounds A's lift over B below by 0.932048 (split-test.test.ts): B's is at most 1 / 1.932048 − 1.
    expect(b?.lift?.upper).toBeCloseTo(1 / 1.932048 - 1, 5)
    expect(b?.lift?.upper).toBeCloseTo(-0.482415, 5)
    // The two separate intervals alone bound it by 0.079686 / 0.087593 − 1 only, the lift_vs_best of before.
    expect((b?.interval.upper ?? 0) / (a?.interval.lower ?? 1) - 1).toBeCloseTo(-0.09027, 5)
    expect(result.minLift).toBeNull()
  })

  it('reports the probability of being best: P(B > A) = B(21, 182) / B(21, 81) = 1.5e-7', () => {
    expect(Math.exp(logBeta(21, 182) - logBeta(21, 81))).toBeCloseTo(1.4956e-7, 10)
    expect(a?.probabilityBest).toBe(1)
    expect(b?.probabilityBest).toBe(0)
  })
})

/** P(X > Y) for X ~ Beta(a1, b1), Y ~ Beta(a2, b2), a1 an integer (Evan Miller's sum). */
function exactProbabilityGreater(a1: number, b1: number, a2: number, b2: number): number {
  let total = 0
  for (let i = 0; i < a1; i++) {
    total += Math.exp(logBeta(a2 + i, b1 + b2) - Math.log(b1 + i) - logBeta(1 + i, b1) - logBeta(a2, b2))
  }
  return total
}

describe('probabilityBest', () => {
  it('is within 0.01 of the exact figure for two arms, and the same on every call', () => {
    const arms = [
      { successes: 30, trials: 1_000, value: 1 },
      { successes: 22, trials: 1_000, value: 1 },
    ]
    const [first, second] = probabilityBest(arms)
    const exact = exactProbabilityGreater(31, 971, 23, 979)
    expect(Math.abs((first ?? 0) - exact)).toBeLessThan(0.01)
    expect(exact).toBeCloseTo(0.8674, 4)
    expect((first ?? 0) + (second ?? 0)).toBe(1)
    expect(probabilityBest(arms)).toEqual([first, second])
  })
})

describe('compareAds status', () => {
  it('is collecting while an A/A test is small, no_clear_winner once every interval is narrow', () => {
    const small = compareAds([ad('x', 1_000, 20), ad('y', 1_000, 21)], 'ctr', { confidence: 0.95 })
    expect(small.status).toBe('collecting')
    const large = compareAds([ad('x', 1_000_000, 20_000), ad('y', 1_000_000, 20_100)], 'ctr', {
      confidence: 0.95,
    })
    expect(large.status).toBe('no_clear_winner')
    expect(large.bestAdId).toBe('y')
    const lift = large.ads[0]?.lift
    expect(lift?.lower).toBeLessThan(0)
    expect(lift?.upper).toBeGreaterThan(0)
  })

  it('never declares a winner in seeded A/A tests looked at every 200 impressions more often than α', () => {
    const confidence = 0.9
    const uniform = seededUniform(11)
    const tests = 200
    let falseWinners = 0
    for (let t = 0; t < tests; t++) {
      const ctr = 0.02 + 0.08 * uniform()
      const clicks = [0, 0, 0]
      for (let n = 1; n <= 4_000; n++) {
        for (let i = 0; i < 3; i++) if (uniform() < ctr) clicks[i] = (clicks[i] as number) + 1
        if (n % 200 !== 0) continue
        const ads = clicks.map((c, i) => ad(`ad-${i}`, n, c))
        if (compareAds(ads, 'ctr', { confidence, withProbability: false }).status === 'winner') {
          falseWinners += 1
          break
        }
      }
    }
    expect(falseWinners / tests).toBeLessThan(1 - confidence)
  })

  it('finds a clearly better ad', () => {
    const result = compareAds([ad('a', 20_000, 200), ad('b', 20_000, 400), ad('c', 20_000, 210)], 'ctr', {
      confidence: 0.95,
    })
    expect(result.status).toBe('winner')
    expect(result.bestAdId).toBe('b')
    expect(result.ads[0]?.lift?.estimate).toBeCloseTo(-0.5, 12)
  })

  it('refuses one ad and a confidence outside (0, 1)', () => {
    expect(() => compareAds([ad('a', 1, 1)], 'ctr', { confidence: 0.95 })).toThrow(RangeError)
    expect(() => compareAds([ad('a', 1, 1), ad('b', 1, 1)], 'ctr', { confidence: 1 })).toThrow(RangeError)
  })
})

describe('compareAds on revenue per impression', () => {
  it('does not let a few large orders make a winner: only conversions per impression can', () => {
    const big = ad('big', 10_000, 300, 5, 5n * 500_000_000n)
    const small = ad('small', 10_000, 300, 5, 5n * 10_000_000n)
    const result = compareAds([big, small], 'revenue_per_impression', { confidence: 0.95 })
    expect(result.bestAdId).toBe('big')
    expect(result.status).not.toBe('winner')
    for (const a of result.ads) {
      expect(a.interval.lower).toBeLessThanOrEqual(a.estimate)
      expect(a.interval.upper ?? Number.POSITIVE_INFINITY).toBeGreaterThanOrEqual(a.estimate)
    }
    expect(result.ads[0]?.estimate).toBe(250_000)
  })

  it('declares a winner on clearly more conversions per impression at the same value', () => {
    const more = ad('more', 10_000, 300, 120, 120n * 40_000_000n)
    const fewer = ad('fewer', 10_000, 300, 20, 20n * 40_000_000n)
    const result = compareAds([more, fewer], 'revenue_per_impression', { confidence: 0.95 })
    expect(result.status).toBe('winner')
    expect(result.bestAdId).toBe('more')
    // No test of two ads on revenue: the lift is bounded by the two intervals, below 0 as the winner is declared.
    const [more_, fewer_] = result.ads
    const upper = (fewer_?.interval.upper ?? 0) / (more_?.interval.lower ?? 1) - 1
    expect(fewer_?.lift?.upper).toBeCloseTo(upper, 12)
    expect(fewer_?.lift?.upper).toBeLessThan(0)
  })

  it('leaves the upper bound open when the campaign has no conversion', () => {
    const result = compareAds([ad('a', 100, 3), ad('b', 100, 2)], 'revenue_per_impression', {
      confidence: 0.95,
    })
    expect(result.ads[0]?.interval).toEqual({ lower: 0, upper: null })
    expect(result.ads[0]?.lift).toBeNull()
    expect(result.status).toBe('collecting')
  })

  it('tunes the test of two ads to min_lift: 720 against 600 clicks (a 20 % lift) wins unless tuned for 5 %', () => {
    // 1,320 clicks: min_lift 0.2 tunes m to 139 (for about 1,143 successes), 0.05 to 1,942 (for 15,883):
    // a prior that concentrated expects a lift of about 5 % and needs far more successes for 20 %.
    const ads = [ad('a', 30_000, 720), ad('b', 30_000, 600)]
    const status = (minLift?: number) =>
      compareAds(ads, 'ctr', { confidence: 0.95, withProbability: false, ...(minLift && { minLift }) }).status
    expect(status()).toBe('winner')
    expect(status(0.2)).toBe('winner')
    expect(status(0.05)).toBe('collecting')
  })
})
