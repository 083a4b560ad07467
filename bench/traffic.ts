import type { EntitySums } from '@adpulse/rules'
import { type Channel, createChannels, type MarketParams } from './market.ts'
import { lognormalWithMean, mulberry32, poisson, type Rng, streamSeed } from './prng.ts'

/**
 * A channel's simulated traffic as prefix sums of its minute buckets: entry m
 * is the total of minutes [0, m), so any window is one subtraction, as the
 * KPI store sums minute buckets. Money is integer micros held in doubles
 * (exact below 2^53, far above what 48 h of one channel spends).
 */
export interface ChannelSeries {
  impressions: Float64Array
  clicks: Float64Array
  conversions: Float64Array
  spendMicros: Float64Array
  revenueMicros: Float64Array
  /** Σ value² of the conversions, micros². */
  revenueSquares: Float64Array
}

const MINUTES_PER_HOUR = 60

/** Traffic relative to the daily average at a minute: a day-night swing around the channel's peak hour. */
export function diurnalFactor(channel: Channel, minute: number): number {
  const hour = (minute / MINUTES_PER_HOUR) % 24
  return 1 + channel.diurnalAmplitude * Math.cos((2 * Math.PI * (hour - channel.peakHour)) / 24)
}

/**
 * Expected conversions of minutes [from, to): the conversion rate times the
 * integral of the diurnal factor (closed form; the simulation's minute steps
 * differ from it by far less than one conversion a day).
 */
export function expectedConversions(channel: Channel, from: number, to: number): number {
  const radiansPerMinute = (2 * Math.PI) / (24 * MINUTES_PER_HOUR)
  const phase = (minute: number) => radiansPerMinute * (minute - channel.peakHour * MINUTES_PER_HOUR)
  const swing = (channel.diurnalAmplitude * (Math.sin(phase(to)) - Math.sin(phase(from)))) / radiansPerMinute
  return channel.impressionsPerMinute * channel.ctr * channel.cvr * (to - from + swing)
}

/**
 * Minute by minute: impressions ~ Poisson(rate × diurnal factor); clicks ~
 * Poisson(impressions × CTR) (the thinning of rare clicks); each click converts
 * with probability CVR; a click costs its CPC times a lognormal factor of mean 1
 * (CPC channels), impressions cost CPM / 1000 each (CPM channels); each
 * conversion is worth a lognormal draw of the channel's mean value.
 */
export function simulateChannel(channel: Channel, minutes: number, rng: Rng): ChannelSeries {
  const series: ChannelSeries = {
    impressions: new Float64Array(minutes + 1),
    clicks: new Float64Array(minutes + 1),
    conversions: new Float64Array(minutes + 1),
    spendMicros: new Float64Array(minutes + 1),
    revenueMicros: new Float64Array(minutes + 1),
    revenueSquares: new Float64Array(minutes + 1),
  }
  let impressions = 0
  let clicks = 0
  let conversions = 0
  let spend = 0
  let revenue = 0
  let squares = 0
  for (let m = 0; m < minutes; m++) {
    const shown = poisson(rng, channel.impressionsPerMinute * diurnalFactor(channel, m))
    const clicked = poisson(rng, shown * channel.ctr)
    impressions += shown
    clicks += clicked
    if (channel.pricing === 'cpm') spend += Math.round((shown * channel.rateMicros) / 1000)
    for (let c = 0; c < clicked; c++) {
      if (channel.pricing === 'cpc') {
        spend += Math.round(channel.rateMicros * lognormalWithMean(rng, 1, channel.clickCostSigma))
      }
      if (rng() < channel.cvr) {
        const value = Math.round(lognormalWithMean(rng, channel.valueMeanMicros, channel.valueSigma))
        conversions += 1
        revenue += value
        squares += value * value
      }
    }
    series.impressions[m + 1] = impressions
    series.clicks[m + 1] = clicks
    series.conversions[m + 1] = conversions
    series.spendMicros[m + 1] = spend
    series.revenueMicros[m + 1] = revenue
    series.revenueSquares[m + 1] = squares
  }
  return series
}

const between = (values: Float64Array, from: number, to: number): number =>
  (values[to] ?? 0) - (values[from] ?? 0)

/**
 * The sums of the window of `windowMinutes` ending at minute `end` (exclusive),
 * cut at minute 0: what the alerter reads from the KPI store.
 */
export function windowSums(series: ChannelSeries, end: number, windowMinutes: number): EntitySums {
  const from = Math.max(0, end - windowMinutes)
  return {
    impressions: between(series.impressions, from, end),
    clicks: between(series.clicks, from, end),
    conversions: between(series.conversions, from, end),
    spend_micros: BigInt(between(series.spendMicros, from, end)),
    revenue_micros: BigInt(between(series.revenueMicros, from, end)),
    // Σ v² reaches 1e20 and more: a difference of prefix sums keeps ~1e-16 of
    // relative precision, and a window without conversions still gets exactly 0.
    revenue_squares: Math.max(0, between(series.revenueSquares, from, end)),
  }
}

export interface Market {
  channels: Channel[]
  series: ChannelSeries[]
  minutes: number
}

/** A market and its traffic for `minutes`; channel i draws from stream i + 1 of the seed. */
export function simulateMarket(params: MarketParams, seed: number, minutes: number): Market {
  const channels = createChannels(params, seed)
  const series = channels.map((channel, i) =>
    simulateChannel(channel, minutes, mulberry32(streamSeed(seed, i + 1))),
  )
  return { channels, series, minutes }
}
