import { addToBucket, emptyBucket, type MinuteBucket, type PricedEvent } from '@adpulse/kpi'
import { boundedLabel, Counter, type Registry } from '@adpulse/observability'

/** Per-channel KPI counters for dashboards; exact money is in ClickHouse (/v1/kpis). */
export interface ChannelMetrics {
  /** Adds the sums of buckets just written. */
  record(buckets: readonly MinuteBucket[]): void
}

interface ChannelSums {
  impressions: number
  clicks: number
  conversions: number
  spend: bigint
  revenue: bigint
}

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
    record(buckets) {
      const sums = new Map<string, ChannelSums>()
      for (const b of buckets) {
        const channel = channelOf(b.channel)
        const s = sums.get(channel) ?? { impressions: 0, clicks: 0, conversions: 0, spend: 0n, revenue: 0n }
        s.impressions += b.impressions
        s.clicks += b.clicks
        s.conversions += b.conversions
        s.spend += b.spend_micros
        s.revenue += b.revenue_micros
        sums.set(channel, s)
      }
      for (const [channel, s] of sums) {
        impressions.inc({ channel }, s.impressions)
        clicks.inc({ channel }, s.clicks)
        conversions.inc({ channel }, s.conversions)
        spend.inc({ channel }, Number(s.spend))
        revenue.inc({ channel }, Number(s.revenue))
      }
    },
  }
}

/**
 * Adds events to per-channel sums, as buckets without minute or campaign: all
 * `record` reads, at a map entry per channel rather than per campaign and minute.
 */
export function addChannelSums(sums: Map<string, MinuteBucket>, events: readonly PricedEvent[]): void {
  for (const event of events) {
    let bucket = sums.get(event.channel)
    if (bucket === undefined) {
      bucket = emptyBucket(0, event.channel, '')
      sums.set(event.channel, bucket)
    }
    addToBucket(bucket, event)
  }
}
