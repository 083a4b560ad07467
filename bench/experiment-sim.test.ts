import { describe, expect, it } from 'vitest'
import {
  type AdCounts,
  binomial,
  campaignSpec,
  campaignSpecs,
  DEFAULT_SIM,
  metricCounts,
  step,
} from './experiment-sim.ts'
import { plannedTrials } from './experiment-stats.ts'
import { mulberry32 } from './prng.ts'

describe('binomial', () => {
  it('has mean np and variance np(1 − p), by inversion and by the normal approximation', () => {
    for (const [n, p] of [
      [500, 0.02], // mean 10: inversion
      [20_000, 0.02], // mean 400: normal
    ] as const) {
      const rng = mulberry32(5)
      const draws = Array.from({ length: 20_000 }, () => binomial(rng, n, p))
      const mean = draws.reduce((s, x) => s + x, 0) / draws.length
      const variance = draws.reduce((s, x) => s + (x - mean) ** 2, 0) / draws.length
      expect(Math.abs(mean - n * p)).toBeLessThan(4 * Math.sqrt((n * p * (1 - p)) / draws.length))
      expect(variance / (n * p * (1 - p))).toBeGreaterThan(0.95)
      expect(variance / (n * p * (1 - p))).toBeLessThan(1.05)
    }
  })

  it('keeps to [0, n] at the edges', () => {
    const rng = mulberry32(1)
    expect(binomial(rng, 0, 0.5)).toBe(0)
    expect(binomial(rng, 10, 0)).toBe(0)
    expect(binomial(rng, 10, 1)).toBe(10)
  })
})

describe('campaignSpec', () => {
  const specs = campaignSpecs(DEFAULT_SIM, 3, 400)

  it('lifts only the better ad on the tested metric, by the true lift', () => {
    for (const spec of specs) {
      const [tested, other] = spec.metric === 'ctr' ? [spec.ctr, spec.cvr] : [spec.cvr, spec.ctr]
      expect(new Set(other).size).toBe(1)
      if (spec.best === null) {
        expect(spec.lift).toBe(0)
        expect(new Set(tested).size).toBe(1)
        continue
      }
      const base = tested.find((_, i) => i !== spec.best) as number
      expect((tested[spec.best] as number) / base - 1).toBeCloseTo(spec.lift, 12)
      expect(spec.plannedLift).toBe(spec.lift)
    }
  })

  it('plans the z-test for the planned lift and spreads the planned impressions over the planned looks', () => {
    for (const spec of specs) {
      const baseCtr = Math.min(...spec.ctr)
      const base = spec.metric === 'ctr' ? baseCtr : Math.min(...spec.cvr)
      const trials = plannedTrials(base, base * (1 + spec.plannedLift), 0.05 / (spec.ctr.length - 1), 0.8)
      expect(spec.plannedImpressions).toBe(spec.metric === 'ctr' ? trials : Math.ceil(trials / baseCtr))
      expect(spec.impressionsPerLook * spec.plannedLook).toBeGreaterThanOrEqual(spec.plannedImpressions)
      expect(spec.impressionsPerLook * (spec.plannedLook - 1)).toBeLessThan(spec.plannedImpressions)
      expect(spec.looks).toBe(3 * spec.plannedLook)
    }
  })

  it('draws the campaign mix it is asked for, and replays from the seed', () => {
    const aa = specs.filter((s) => s.best === null).length / specs.length
    expect(aa).toBeGreaterThan(0.3)
    expect(aa).toBeLessThan(0.5)
    expect(specs.some((s) => s.ctr.length === 3)).toBe(true)
    expect(campaignSpec(DEFAULT_SIM, mulberry32(9))).toEqual(campaignSpec(DEFAULT_SIM, mulberry32(9)))
  })
})

describe('step', () => {
  it('adds a look of impressions to every ad, clicks of them and conversions of the clicks', () => {
    const spec = campaignSpec(DEFAULT_SIM, mulberry32(4))
    const ads: AdCounts[] = spec.ctr.map(() => ({ impressions: 0, clicks: 0, conversions: 0 }))
    const rng = mulberry32(8)
    for (let look = 0; look < 5; look++) step(spec, ads, rng)
    for (const ad of ads) {
      expect(ad.impressions).toBe(5 * spec.impressionsPerLook)
      expect(ad.clicks).toBeLessThanOrEqual(ad.impressions)
      expect(ad.conversions).toBeLessThanOrEqual(ad.clicks)
      expect(metricCounts(ad, 'ctr')).toEqual({ successes: ad.clicks, trials: ad.impressions })
      expect(metricCounts(ad, 'cvr')).toEqual({ successes: ad.conversions, trials: ad.clicks })
    }
  })
})
