import { mulberry32, normal, type Rng, streamSeed, uniform } from './prng.ts'

/**
 * A simulated market of ad channels whose true ROI is known, for judging
 * decision rules: each channel buys traffic (per click or per thousand
 * impressions), converts a few clicks, and earns skewed order values whose
 * mean makes its expected ROI exactly its true ROI. Pure and seeded: the same
 * parameters and seed give the same market, minute for minute.
 */

export const UNIT_MICROS = 1_000_000

/** A share of the channels whose true ROI is drawn uniformly from [low, high). */
export interface RoiBand {
  share: number
  low: number
  high: number
}

/** A lognormal spread across channels: its median and log-scale sigma. */
export interface Spread {
  median: number
  sigma: number
}

export interface MarketParams {
  channels: number
  /** The mixture true ROIs are drawn from; shares sum to 1. */
  roiBands: readonly RoiBand[]
  /** Spend per hour at the daily average, units. */
  spendPerHour: Spread
  /** Share of channels bought per thousand impressions (display); the rest per click (search, social). */
  cpmShare: number
  /** Mean cost of a click of CPC channels, units. */
  cpc: Spread
  /** Cost of a thousand impressions of CPM channels, units. */
  cpm: Spread
  ctrCpc: Spread
  ctrCpm: Spread
  /**
   * Mean order value of each channel, units. One advertiser's channels sell the
   * same shop, so their mean values differ little; the conversion rate then
   * follows from the true ROI: CVR = (1 + ROI) × cost per click / mean value.
   */
  orderValue: Spread
  /** Log-scale sigma of order values, drawn uniformly per channel from [low, high). */
  valueSigma: { low: number; high: number }
  /** Log-scale sigma of the cost of single clicks around the channel's CPC (auction prices vary). */
  clickCostSigma: number
  /** Traffic swings over the day between 1 − a and 1 + a times its average. */
  diurnalAmplitude: number
}

/**
 * The market the decision benchmark runs, one advertiser's channels and
 * campaigns: they spend 10 to 150 units an hour (10th to 90th percentile), a
 * click costs about 0.8 units and converts 1 to 6 % of the time, so the typical
 * channel sees about one conversion an hour (0.2 to 5); orders are worth 45
 * units on average, lognormal with sigma 1 to 1.5 (the mean is 1.6 to 3.1
 * times the median: most orders are small, a few are large). A quarter of the
 * channels clearly lose, a third sit within −0.2 to +0.3 of break-even, the
 * rest earn, a sixth of them more than they cost.
 */
export const DEFAULT_MARKET: MarketParams = {
  channels: 400,
  roiBands: [
    { share: 0.25, low: -0.7, high: -0.2 },
    { share: 0.35, low: -0.2, high: 0.3 },
    { share: 0.25, low: 0.3, high: 1 },
    { share: 0.15, low: 1, high: 2.5 },
  ],
  spendPerHour: { median: 40, sigma: 1 },
  cpmShare: 0.3,
  cpc: { median: 0.8, sigma: 0.5 },
  cpm: { median: 4, sigma: 0.4 },
  ctrCpc: { median: 0.02, sigma: 0.5 },
  ctrCpm: { median: 0.004, sigma: 0.5 },
  orderValue: { median: 45, sigma: 0.25 },
  valueSigma: { low: 1, high: 1.5 },
  clickCostSigma: 0.3,
  diurnalAmplitude: 0.6,
}

export interface Channel {
  id: string
  trueRoi: number
  pricing: 'cpc' | 'cpm'
  /** Impressions per minute at the daily average. */
  impressionsPerMinute: number
  ctr: number
  cvr: number
  /** CPC: mean cost of a click; CPM: cost of a thousand impressions. Micros. */
  rateMicros: number
  clickCostSigma: number
  /** Mean order value, micros: set so that the expected ROI is trueRoi. */
  valueMeanMicros: number
  valueSigma: number
  /** Hour of the day (UTC) at which traffic peaks: channels serve audiences in different time zones. */
  peakHour: number
  diurnalAmplitude: number
}

export type ChannelSpec = Omit<Channel, 'valueMeanMicros'>

/** Expected spend per minute at the daily average, micros. */
export function expectedSpendPerMinute(c: ChannelSpec): number {
  return c.pricing === 'cpc'
    ? c.impressionsPerMinute * c.ctr * c.rateMicros
    : (c.impressionsPerMinute * c.rateMicros) / 1000
}

/**
 * Completes a channel with the mean order value that makes its expected ROI
 * its true ROI: E[revenue] = (1 + ROI) × E[spend], and E[revenue] =
 * E[conversions] × mean value, per minute alike (the diurnal factor scales both).
 */
export function makeChannel(spec: ChannelSpec): Channel {
  const conversionsPerMinute = spec.impressionsPerMinute * spec.ctr * spec.cvr
  const valueMeanMicros = ((1 + spec.trueRoi) * expectedSpendPerMinute(spec)) / conversionsPerMinute
  return { ...spec, valueMeanMicros }
}

/** A draw from a lognormal spread given by its median. */
const fromSpread = (rng: Rng, s: Spread): number => s.median * Math.exp(s.sigma * normal(rng))

function drawRoi(rng: Rng, bands: readonly RoiBand[]): number {
  let u = rng()
  for (const band of bands) {
    if (u < band.share) return uniform(rng, band.low, band.high)
    u -= band.share
  }
  const last = bands[bands.length - 1]
  if (last === undefined) throw new RangeError('market: roiBands is empty')
  return uniform(rng, last.low, last.high)
}

/** The channels of a market (stream 0 of the seed). */
export function createChannels(params: MarketParams, seed: number): Channel[] {
  const rng = mulberry32(streamSeed(seed, 0))
  return Array.from({ length: params.channels }, (_, i) => {
    const trueRoi = drawRoi(rng, params.roiBands)
    const pricing = rng() < params.cpmShare ? 'cpm' : 'cpc'
    const spendPerMinute = (fromSpread(rng, params.spendPerHour) * UNIT_MICROS) / 60
    const ctr = Math.min(0.5, fromSpread(rng, pricing === 'cpc' ? params.ctrCpc : params.ctrCpm))
    const rateMicros = fromSpread(rng, pricing === 'cpc' ? params.cpc : params.cpm) * UNIT_MICROS
    const costPerClick = pricing === 'cpc' ? rateMicros : rateMicros / 1000 / ctr
    const orderValue = fromSpread(rng, params.orderValue) * UNIT_MICROS
    // Capped at a plausible 30 % (a rare draw of costly clicks and a high ROI);
    // makeChannel then raises the mean value instead, so the ROI stays exact.
    const cvr = Math.min(0.3, ((1 + trueRoi) * costPerClick) / orderValue)
    const impressionsPerMinute =
      pricing === 'cpc' ? spendPerMinute / (ctr * rateMicros) : (spendPerMinute * 1000) / rateMicros
    return makeChannel({
      id: `ch-${String(i).padStart(3, '0')}`,
      trueRoi,
      pricing,
      impressionsPerMinute,
      ctr,
      cvr,
      rateMicros,
      clickCostSigma: params.clickCostSigma,
      valueSigma: uniform(rng, params.valueSigma.low, params.valueSigma.high),
      peakHour: uniform(rng, 0, 24),
      diurnalAmplitude: params.diurnalAmplitude,
    })
  })
}
