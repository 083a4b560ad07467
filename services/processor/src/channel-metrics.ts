import type { PricedEvent } from '@adpulse/kpi'
import { boundedLabel, Counter, type Registry } from '@adpulse/observability'

/** Per-channel KPI counters for dashboards; exact money is in ClickHouse (/v1/kpis). */
export interface ChannelMetrics {
  /** Adds the sums of events just written. */
  record(sums: readonly ChannelSums[]): void
}

/** What a channel's events add to its counters; money in micros of the reporting currency. */
export interface ChannelSums {
  channel: string
  impressions: number
  clicks: number
  conversions: number
  spend_micros: bigint
  revenue_micros: bigint
}

const noSums = (channel: string): ChannelSums => ({
  channel,
  impressions: 0,
  clicks: 0,
  conversions: 0,
  spend_micros: 0n,
  revenue_micros: 0n,
})

/**
 * `adpulse_channel_*_total{channel}`: the sums the processor writes, per channel
 * (never per campaign). Channels beyond `maxChannels` share `channel="other"`.
 * Money is integer micros, but a Prometheus sample is a float64: these counters
 * lose precision past 2^53 micros and count a replayed batch twice (ClickHouse
 * does not), which is fine for rates on a dashboard and wrong for billing.
 */
export function createChannelMetrics(registry: Registry, maxChannels: number): ChannelMetrics {
  const channelOf = boundedLabel(maxChannels)
  const counter = (name: string, help: string) =>
    new Counter({ name, help, labelNames: ['channel'], registers: [registry] })
  const impressions = counter('adpulse_channel_impressions_total', 'Impressions written, by channel.')
  const clicks = counter('adpulse_channel_clicks_total', 'Clicks written, by channel.')
  const conversions = counter('adpulse_channel_conversions_total', 'Conversions written, by channel.')
  const spend = counter(
    'adpulse_channel_spend_micros_total',
    'Spend written, by channel, in micros of the reporting currency (float: for dashboards, not billing).',
  )
  const revenue = counter(
    'adpulse_channel_revenue_micros_total',
    'Revenue written, by channel, in micros of the reporting currency (float: for dashboards, not billing).',
  )

  return {
    record(written) {
      // Channels past the cap merge into `other` here, before the counters are touched.
      const sums = new Map<string, ChannelSums>()
      for (const w of written) {
        const channel = channelOf(w.channel)
        const s = sums.get(channel) ?? noSums(channel)
        s.impressions += w.impressions
        s.clicks += w.clicks
        s.conversions += w.conversions
        s.spend_micros += w.spend_micros
        s.revenue_micros += w.revenue_micros
        sums.set(channel, s)
      }
      for (const [channel, s] of sums) {
        impressions.inc({ channel }, s.impressions)
        clicks.inc({ channel }, s.clicks)
        conversions.inc({ channel }, s.conversions)
        spend.inc({ channel }, Number(s.spend_micros))
        revenue.inc({ channel }, Number(s.revenue_micros))
      }
    },
  }
}

/** Adds events to their channel's sums: a map entry per channel, not per campaign and minute. */
export function addChannelSums(sums: Map<string, ChannelSums>, events: readonly PricedEvent[]): void {
  for (const event of events) {
    let s = sums.get(event.channel)
    if (s === undefined) {
      s = noSums(event.channel)
      sums.set(event.channel, s)
    }
    if (event.type === 'impression') s.impressions += 1
    else if (event.type === 'click') s.clicks += 1
    else if (event.type === 'conversion') {
      s.conversions += 1
      s.revenue_micros += event.value_micros
    }
    s.spend_micros += event.cost_micros
  }
}
