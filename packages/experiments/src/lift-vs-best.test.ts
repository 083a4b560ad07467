import { describe, expect, it } from 'vitest'
import { type AdSums, compareAds } from './creative-test.ts'
import { intervalLiftBounds, pairLiftVsBest } from './lift-vs-best.ts'
import { seededUniform } from './seeded-draws.ts'
import { DEFAULT_SPLIT_PRIOR, liftSequence, rateAbove } from './split-test.ts'
import { pairPrior } from './split-tuning.ts'

const ad = (ad_id: string, impressions: number, clicks: number): AdSums => ({
  ad_id,
  impressions,
  clicks,
  conversions: 0,
  revenue_micros: 0n,
})
const UNIFORM = [{ strength: 2, weight: 1 }]

describe('lift_vs_best from the test of two ads (hand-worked, uniform prior, s = ½, α = 0.05)', () => {
  it('A 12 of 100 against B none of 100: winner, and B at most 41.05 % worse', () => {
    // Marginal B(13, 1) = 1/13; A's share π of the successes is inside while 1/13 / π¹² < 20,
    // 12 ln π > −ln 260 = −5.560682, π > e^(−5.560682 / 12) = 0.629147; ½ is outside: winner.
    // B's ratio to A is (1 − π) / π < 0.370853 / 0.629147 = 0.589455: lift at most −0.410545.
    const result = compareAds([ad('A', 100, 12), ad('B', 100, 0)], 'ctr', {
      confidence: 0.95,
      splitPrior: UNIFORM,
    })
    expect(result.status).toBe('winner')
    expect(result.ads[1]?.lift?.estimate).toBe(-1)
    expect(result.ads[1]?.lift?.lower).toBe(-1)
    expect(result.ads[1]?.lift?.upper).toBeCloseTo(0.370853 / 0.629147 - 1, 5)
    expect(result.ads[1]?.lift?.upper).toBeCloseTo(-0.410545, 5)
  })

  it('A 10 of 100 against B 1 of 100: no winner, and B between 99.96 % worse and 5.71 % better', () => {
    // Marginal B(11, 2) = 10! 1! / 12! = 1/132; inside while 10 ln π + ln(1 − π) > −ln 2640 = −7.878534.
    // At π = ½: −11 ln 2 = −7.624619, inside: no winner. The roots, found by bisection, checked here:
    const f = (pi: number): number => 10 * Math.log(pi) + Math.log1p(-pi)
    expect(f(0.486132)).toBeCloseTo(-7.878534, 4)
    expect(f(0.99962)).toBeCloseTo(-7.878534, 2)
    // B's lift (1 − π) / π − 1 from π = 0.999620 (lower) to π = 0.486132 (upper).
    const result = compareAds([ad('A', 100, 10), ad('B', 100, 1)], 'ctr', {
      confidence: 0.95,
      splitPrior: UNIFORM,
    })
    expect(result.status).toBe('collecting')
    const lift = result.ads[1]?.lift
    expect(lift?.estimate).toBeCloseTo(-0.9, 12)
    expect(lift?.lower).toBeCloseTo((1 - 0.99962) / 0.99962 - 1, 5)
    expect(lift?.upper).toBeCloseTo((1 - 0.486132) / 0.486132 - 1, 5)
    expect(lift?.upper).toBeCloseTo(0.057053, 5)
  })
})

describe('lift_vs_best agrees with status', () => {
  it('720 against 600 clicks of 30,000: winner with B below 0, though the separate intervals overlap', () => {
    const ads = [ad('a', 30_000, 720), ad('b', 30_000, 600)]
    const test = (minLift?: number) =>
      compareAds(ads, 'ctr', { confidence: 0.95, withProbability: false, ...(minLift && { minLift }) })
    const plain = test()
    expect(plain.status).toBe('winner')
    // Separate intervals at α/2: b's upper 0.023808 above a's lower 0.020293, whose ratio (+17.3 %) was the lift before.
    expect(plain.ads[1]?.interval.upper).toBeCloseTo(0.023808, 6)
    expect(plain.ads[0]?.interval.lower).toBeCloseTo(0.020293, 6)
    expect(plain.ads[1]?.lift?.upper).toBeCloseTo(-0.011114, 6)
    expect(plain.ads[1]?.lift?.estimate).toBeCloseTo(-1 / 6, 12)
    expect(test(0.2).ads[1]?.lift?.upper).toBeLessThan(0)
    const tuned = test(0.05)
    expect(tuned.status).toBe('collecting')
    expect(tuned.minLift).toBe(0.05)
    expect(tuned.ads[1]?.lift?.upper).toBeCloseTo(0.016581, 6)
  })

  it('for any number of ads: winner exactly when every other ad lies below 0, each lift holding its estimate', () => {
    const draws = seededUniform(17)
    let winners = 0
    for (let run = 0; run < 300; run++) {
      const count = 2 + Math.floor(draws() * 3)
      const ads = Array.from({ length: count }, (_, i) => {
        const impressions = 2_000 + Math.floor(draws() * 6_000)
        return ad(`ad-${i}`, impressions, Math.floor(impressions * (0.01 + 0.03 * draws())))
      })
      const minLift = draws() < 0.5 ? undefined : 0.05 + draws()
      const result = compareAds(ads, 'ctr', { confidence: 0.9, withProbability: false, minLift })
      const others = result.ads.filter((a) => a.ad_id !== result.bestAdId)
      const below = others.every((a) => a.lift?.upper != null && a.lift.upper < 0)
      expect(result.status === 'winner').toBe(below)
      if (below) winners += 1
      for (const a of others) {
        expect(a.lift?.lower).toBeLessThanOrEqual((a.lift?.estimate ?? 0) + 1e-9)
        expect(a.lift?.upper ?? Number.POSITIVE_INFINITY).toBeGreaterThanOrEqual(
          (a.lift?.estimate ?? 0) - 1e-9,
        )
      }
      // Two ads: below 0 exactly when the decision's own test (rateAbove, its prior tuned from the best's side) holds.
      if (count === 2) {
        const best = ads.find((a) => a.ad_id === result.bestAdId) as AdSums
        const other = ads.find((a) => a.ad_id !== result.bestAdId) as AdSums
        const b = { successes: best.clicks, trials: best.impressions }
        const o = { successes: other.clicks, trials: other.impressions }
        const held = rateAbove(b, o, 0.1, pairPrior(b, o, 0.1, minLift))
        expect(held).toBe(below)
      }
    }
    expect(winners).toBeGreaterThan(20)
    expect(winners).toBeLessThan(280)
  })
})

describe('pairLiftVsBest and intervalLiftBounds', () => {
  it("is the best's lift over the ad turned round: the ad's own liftSequence under the symmetric default prior", () => {
    const best = { successes: 130, trials: 5_000 }
    const other = { successes: 100, trials: 4_000 }
    const lift = pairLiftVsBest(other, best, 0.05, DEFAULT_SPLIT_PRIOR)
    const own = liftSequence(other, best, 0.05, DEFAULT_SPLIT_PRIOR)
    expect(lift.lower).toBeCloseTo(own.lower, 9)
    expect(lift.upper).toBeCloseTo(own.upper, 9)
    const nothing = pairLiftVsBest({ successes: 0, trials: 0 }, best, 0.05, DEFAULT_SPLIT_PRIOR)
    expect(nothing).toEqual({ lower: -1, upper: Number.POSITIVE_INFINITY })
  })

  it('bounds a ratio of intervals lower over upper and upper over lower, unbounded when the best may be 0', () => {
    expect(intervalLiftBounds({ lower: 1, upper: 3 }, { lower: 4, upper: 8 })).toEqual({
      lower: 1 / 8 - 1,
      upper: 3 / 4 - 1,
    })
    expect(intervalLiftBounds({ lower: 1, upper: 3 }, { lower: 0, upper: 8 }).upper).toBe(
      Number.POSITIVE_INFINITY,
    )
  })
})
