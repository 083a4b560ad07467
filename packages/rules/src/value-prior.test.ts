import { describe, expect, it } from 'vitest'
import { credibleMeanValue, valuePrior } from './value-prior.ts'

const U = 1_000_000
/** An entity's sums from its order values in units. */
const entity = (...values: number[]) => ({
  spend_micros: 1n,
  conversions: values.length,
  revenue_micros: BigInt(values.reduce((a, v) => a + v * U, 0)),
  revenue_squares: values.reduce((a, v) => a + (v * U) ** 2, 0),
})

describe('valuePrior', () => {
  it('Bühlmann–Straub by hand: orders 10 and 30, 20 and 20, 60', () => {
    // N = 5, R = 140, M = 28 units; C = 3 entities
    // within: (1000 − 40²/2) + (800 − 40²/2) + (3600 − 60²) = 200 → s²_w = 200 / (5 − 3) = 100
    // between: 2·(20 − 28)² + 2·(20 − 28)² + 1·(60 − 28)² = 128 + 128 + 1024 = 1280
    // τ² = (1280 − 2·100) / (5 − (4 + 4 + 1)/5) = 1080 / 3.2 = 337.5; k = 100 / 337.5 = 0.296296
    const prior = valuePrior([entity(10, 30), entity(20, 20), entity(60), entity()])
    expect(prior?.meanValue).toBeCloseTo(28 * U, 3)
    expect(prior?.credibility).toBeCloseTo(0.296296, 5)
    // the first entity: (40 + 0.296296·28) / (2 + 0.296296) = 48.296296 / 2.296296 = 21.0323 units
    if (prior === undefined) throw new Error('prior expected')
    expect(credibleMeanValue(2, 40 * U, prior) / U).toBeCloseTo(21.0323, 4)
    // no conversion: the shop's mean
    expect(credibleMeanValue(0, 0, prior)).toBe(prior.meanValue)
  })

  it('pools everything when the means differ no more than their noise', () => {
    // means 20 and 20: between 0 → τ² = 0 → k = ∞ → every entity is worth the mean
    const prior = valuePrior([entity(10, 30), entity(30, 10)])
    expect(prior).toEqual({ meanValue: 20 * U, credibility: Number.POSITIVE_INFINITY })
    if (prior === undefined) throw new Error('prior expected')
    expect(credibleMeanValue(2, 80 * U, prior)).toBe(20 * U)
  })

  it('cannot pool one entity or single orders: credibility 0 (each entity on its own)', () => {
    expect(valuePrior([entity(10, 30)])).toEqual({ meanValue: 20 * U, credibility: 0 })
    const singles = valuePrior([entity(10), entity(50)])
    expect(singles).toEqual({ meanValue: 30 * U, credibility: 0 })
    if (singles === undefined) throw new Error('prior expected')
    expect(credibleMeanValue(1, 50 * U, singles)).toBe(50 * U)
  })

  it('leaves out entities without spend: organic sales and channels without a pricing model', () => {
    // The paid entities alone are the case above, mean 20; the unpaid sale of 10^9 units changes nothing.
    const unpaid = { ...entity(1_000_000_000, 7), spend_micros: 0n }
    expect(valuePrior([entity(10, 30), entity(30, 10), unpaid])).toEqual({
      meanValue: 20 * U,
      credibility: Number.POSITIVE_INFINITY,
    })
    expect(valuePrior([unpaid])).toBeUndefined()
  })

  it('is undefined without a conversion', () => {
    expect(valuePrior([entity(), entity()])).toBeUndefined()
  })
})
