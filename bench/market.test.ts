import { describe, expect, it } from 'vitest'
import { createChannels, DEFAULT_MARKET, expectedSpendPerMinute, makeChannel, UNIT_MICROS } from './market.ts'
import { lognormalWithMean, mulberry32, poisson, streamSeed } from './prng.ts'
import { diurnalFactor, expectedConversions, simulateChannel, windowSums } from './traffic.ts'

const draws = (n: number, draw: () => number): number[] => Array.from({ length: n }, draw)
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const variance = (xs: number[]) => {
  const m = mean(xs)
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1)
}

describe('seeded random numbers', () => {
  it('repeat for a seed, differ between streams, and are uniform', () => {
    const a = draws(5, mulberry32(42))
    expect(draws(5, mulberry32(42))).toEqual(a)
    expect(draws(5, mulberry32(streamSeed(42, 1)))).not.toEqual(draws(5, mulberry32(streamSeed(42, 2))))
    const u = draws(100_000, mulberry32(7))
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...u)).toBeLessThan(1)
    expect(mean(u)).toBeCloseTo(0.5, 2)
  })

  it('draws lognormal order values with the mean asked for, not the median', () => {
    for (const sigma of [1, 1.5]) {
      const rng = mulberry32(streamSeed(1, sigma * 10))
      const values = draws(400_000, () => lognormalWithMean(rng, 50, sigma))
      // the standard error of the mean is 50·√(e^σ² − 1)/√n: 0.1 at σ 1, 0.23 at σ 1.5
      expect(Math.abs(mean(values) - 50)).toBeLessThan(sigma === 1 ? 0.5 : 1.2)
      const sorted = [...values].sort((x, y) => x - y)
      const median = sorted[sorted.length / 2] as number
      expect(median / (50 * Math.exp((-sigma * sigma) / 2))).toBeCloseTo(1, 1)
    }
  })

  it('draws Poisson counts with mean and variance lambda, in both regimes', () => {
    for (const lambda of [0.3, 4, 200]) {
      const rng = mulberry32(streamSeed(2, lambda))
      const counts = draws(100_000, () => poisson(rng, lambda))
      expect(counts.every(Number.isInteger)).toBe(true)
      expect(mean(counts) / lambda).toBeCloseTo(1, 1)
      expect(variance(counts) / lambda).toBeCloseTo(1, 1)
    }
    expect(poisson(mulberry32(1), 0)).toBe(0)
  })
})

const spec = {
  id: 'test',
  pricing: 'cpc' as const,
  impressionsPerMinute: 2000,
  ctr: 0.02,
  cvr: 0.05,
  rateMicros: 0.8 * UNIT_MICROS,
  clickCostSigma: 0.3,
  valueSigma: 1,
  peakHour: 15,
  diurnalAmplitude: 0.6,
}

describe('a channel', () => {
  it('gets the mean order value that makes its expected ROI its true ROI', () => {
    for (const pricing of ['cpc', 'cpm'] as const) {
      const channel = makeChannel({ ...spec, pricing, rateMicros: 4 * UNIT_MICROS, trueRoi: -0.35 })
      const spend = expectedSpendPerMinute(channel)
      const revenue = channel.impressionsPerMinute * channel.ctr * channel.cvr * channel.valueMeanMicros
      expect((revenue - spend) / spend).toBeCloseTo(-0.35, 12)
    }
  })

  it('converges in a long run to its true ROI', () => {
    // 2 conversions a minute for 20,000 minutes: 40,000 conversions put the
    // simulated ROI within ±0.03 of the truth at 3 standard errors (σ 1)
    for (const [pricing, trueRoi] of [
      ['cpc', 0.4],
      ['cpm', -0.3],
    ] as const) {
      const channel = makeChannel({ ...spec, pricing, trueRoi, rateMicros: 4 * UNIT_MICROS })
      const series = simulateChannel(channel, 20_000, mulberry32(streamSeed(3, trueRoi)))
      const total = windowSums(series, 20_000, 20_000)
      const roi = Number(total.revenue_micros - total.spend_micros) / Number(total.spend_micros)
      expect(Math.abs(roi - trueRoi)).toBeLessThan(0.03)
      expect(total.conversions / expectedConversions(channel, 0, 20_000)).toBeCloseTo(1, 1)
    }
  })

  it('swings over the day around its average, and the expected conversions follow the swing', () => {
    const channel = makeChannel({ ...spec, trueRoi: 0 })
    const day = Array.from({ length: 1440 }, (_, m) => diurnalFactor(channel, m))
    expect(mean(day)).toBeCloseTo(1, 6)
    expect(Math.max(...day)).toBeCloseTo(1.6, 3)
    const rate = channel.impressionsPerMinute * channel.ctr * channel.cvr
    const minuteSum = (from: number, to: number) =>
      rate *
      day
        .concat(day)
        .slice(from, to)
        .reduce((a, b) => a + b, 0)
    for (const [from, to] of [
      [0, 1440],
      [100, 400],
      [900, 1000],
    ] as const) {
      expect(expectedConversions(channel, from, to) / minuteSum(from, to)).toBeCloseTo(1, 2)
    }
  })
})

describe('window sums', () => {
  const channel = makeChannel({ ...spec, impressionsPerMinute: 300, trueRoi: 0.2 })
  const series = simulateChannel(channel, 120, mulberry32(9))
  const plain = (end: number, window: number) => {
    const s = windowSums(series, end, window)
    return { ...s, revenue_squares: Math.round(s.revenue_squares / 1e6) }
  }

  it('add up across adjacent windows and stop at minute 0', () => {
    const whole = plain(120, 120)
    const first = plain(60, 60)
    const second = plain(120, 60)
    expect(whole.clicks).toBe(first.clicks + second.clicks)
    expect(whole.conversions).toBe(first.conversions + second.conversions)
    expect(whole.spend_micros).toBe(first.spend_micros + second.spend_micros)
    expect(whole.revenue_micros).toBe(first.revenue_micros + second.revenue_micros)
    expect(plain(30, 1440)).toEqual(plain(30, 30))
    expect(whole.conversions).toBeGreaterThan(0)
  })

  it('have Σ value² exactly 0 in a window without conversions', () => {
    const quiet = makeChannel({ ...spec, impressionsPerMinute: 300, cvr: 1e-9, trueRoi: 0 })
    const s = windowSums(simulateChannel(quiet, 60, mulberry32(1)), 60, 30)
    expect(s).toMatchObject({ conversions: 0, revenue_micros: 0n, revenue_squares: 0 })
    expect(s.spend_micros).toBeGreaterThan(0n)
  })
})

describe('the default market', () => {
  const channels = createChannels(DEFAULT_MARKET, 1)

  it('is the same for the same seed', () => {
    expect(createChannels(DEFAULT_MARKET, 1)).toEqual(channels)
    expect(createChannels(DEFAULT_MARKET, 2)).not.toEqual(channels)
  })

  it('draws true ROIs from its bands, and plausible rates', () => {
    const share = (low: number, high: number) =>
      channels.filter((c) => c.trueRoi >= low && c.trueRoi < high).length / channels.length
    expect(share(-0.7, -0.2)).toBeCloseTo(0.25, 1)
    expect(share(-0.2, 0.3)).toBeCloseTo(0.35, 1)
    expect(share(1, 2.5)).toBeCloseTo(0.15, 1)
    expect(channels.every((c) => c.cvr > 0 && c.cvr <= 0.3 && c.ctr > 0 && c.ctr <= 0.5)).toBe(true)
    expect(channels.filter((c) => c.pricing === 'cpm').length / channels.length).toBeCloseTo(0.3, 1)
  })
})
