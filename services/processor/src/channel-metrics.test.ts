import type { MinuteBucket } from '@adpulse/kpi'
import { Registry } from '@adpulse/observability'
import { describe, expect, it } from 'vitest'
import { addChannelSums, type ChannelSums, createChannelMetrics } from './channel-metrics.ts'

const bucket = (
  channel: string,
  campaign_id: string,
  overrides: Partial<MinuteBucket> = {},
): MinuteBucket => ({
  minute: Date.UTC(2026, 10, 22, 10, 0),
  channel,
  campaign_id,
  impressions: 10,
  clicks: 2,
  conversions: 1,
  spend_micros: 1_500_000n,
  revenue_micros: 4_000_000n,
  revenue_squares: 0,
  ...overrides,
})

const seriesOf = async (registry: Registry) =>
  (await registry.getMetricsAsJSON()).flatMap((m) =>
    m.values.map((v) => ({ name: m.name, labels: v.labels, value: v.value })),
  )

describe('createChannelMetrics', () => {
  it('sums impressions, clicks, conversions, spend and revenue per channel', async () => {
    const registry = new Registry()
    const metrics = createChannelMetrics(registry, 50)
    metrics.record([bucket('search', 'c1'), bucket('search', 'c2'), bucket('social', 'c3', { clicks: 5 })])
    const values = Object.fromEntries(
      (await seriesOf(registry)).map((s) => [`${s.name}{${s.labels.channel}}`, s.value]),
    )
    expect(values).toEqual({
      'adpulse_channel_impressions_total{search}': 20,
      'adpulse_channel_impressions_total{social}': 10,
      'adpulse_channel_clicks_total{search}': 4,
      'adpulse_channel_clicks_total{social}': 5,
      'adpulse_channel_conversions_total{search}': 2,
      'adpulse_channel_conversions_total{social}': 1,
      'adpulse_channel_spend_micros_total{search}': 3_000_000,
      'adpulse_channel_spend_micros_total{social}': 1_500_000,
      'adpulse_channel_revenue_micros_total{search}': 8_000_000,
      'adpulse_channel_revenue_micros_total{social}': 4_000_000,
    })
  })

  it('keeps series bounded: 10,000 campaigns on 200 channels make at most (max + 1) x 5 series', async () => {
    const registry = new Registry()
    const metrics = createChannelMetrics(registry, 50)
    const buckets = Array.from({ length: 10_000 }, (_, i) => bucket(`channel-${i % 200}`, `campaign-${i}`))
    metrics.record(buckets)
    const series = await seriesOf(registry)
    expect(series).toHaveLength(51 * 5)
    expect(new Set(series.map((s) => Object.keys(s.labels).join()))).toEqual(new Set(['channel']))
    // Nothing is lost: the overflow channel carries the sums of every channel past the cap.
    const impressions = series.filter((s) => s.name === 'adpulse_channel_impressions_total')
    expect(impressions.reduce((n, s) => n + s.value, 0)).toBe(100_000)
    expect(impressions.find((s) => s.labels.channel === 'other')?.value).toBe(150 * 50 * 10)
  })
})

describe('addChannelSums', () => {
  it('adds events to their channel: counts by type, spend of all, revenue of conversions', () => {
    const event = (
      channel: string,
      type: 'impression' | 'click' | 'conversion' | 'engagement',
      cost: bigint,
      value = 0n,
    ) => ({
      type,
      occurred_at: 0,
      channel,
      campaign_id: 'c1',
      cost_micros: cost,
      value_micros: value,
    })
    const sums = new Map<string, ChannelSums>()
    addChannelSums(sums, [event('search', 'impression', 10n), event('search', 'click', 500n)])
    addChannelSums(sums, [event('search', 'conversion', 0n, 7_000n), event('social', 'click', 300n)])
    // An engagement is neither a click nor a conversion: only its spend counts here.
    addChannelSums(sums, [event('social', 'engagement', 40n)])
    expect([...sums.values()]).toEqual([
      {
        channel: 'search',
        impressions: 1,
        clicks: 1,
        conversions: 1,
        spend_micros: 510n,
        revenue_micros: 7_000n,
      },
      {
        channel: 'social',
        impressions: 0,
        clicks: 1,
        conversions: 0,
        spend_micros: 340n,
        revenue_micros: 0n,
      },
    ])
  })
})
