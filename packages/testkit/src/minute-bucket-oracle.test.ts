import type { MinuteBucket, PricedEvent } from '@adpulse/kpi'
import { describe, expect, it } from 'vitest'
import { aggregateMinuteBuckets, minuteOf } from './minute-bucket-oracle.ts'

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0, 0) // 2026-11-22T10:00:00.000Z

const event = (over: Partial<PricedEvent>): PricedEvent => ({
  type: 'impression',
  occurred_at: T0,
  channel: 'search',
  campaign_id: 'camp-1',
  cost_micros: 0n,
  value_micros: 0n,
  ...over,
})

const bucket = (over: Partial<MinuteBucket>): MinuteBucket => ({
  minute: T0,
  channel: 'search',
  campaign_id: 'camp-1',
  impressions: 0,
  clicks: 0,
  conversions: 0,
  spend_micros: 0n,
  revenue_micros: 0n,
  revenue_squares: 0,
  ...over,
})

const byKey = (a: MinuteBucket, b: MinuteBucket) =>
  a.minute - b.minute || a.channel.localeCompare(b.channel) || a.campaign_id.localeCompare(b.campaign_id)

describe('minuteOf', () => {
  it('is the start of the UTC minute of the event time', () => {
    expect(minuteOf(T0)).toBe(T0)
    expect(minuteOf(T0 + 1)).toBe(T0)
    expect(minuteOf(T0 + 59_999)).toBe(T0)
    expect(minuteOf(T0 + 60_000)).toBe(T0 + 60_000)
    expect(minuteOf(T0 - 1)).toBe(T0 - 60_000)
    expect(minuteOf(Date.parse('2026-11-22T13:37:42.123+03:30'))).toBe(Date.UTC(2026, 10, 22, 10, 7))
  })
})

describe('aggregateMinuteBuckets', () => {
  it('returns no bucket for no events', () => {
    expect(aggregateMinuteBuckets([])).toEqual([])
  })

  it('puts events of the same minute in one bucket and the next minute in another', () => {
    const buckets = aggregateMinuteBuckets([
      event({ occurred_at: T0, type: 'impression', cost_micros: 2_500n }),
      event({ occurred_at: T0 + 30_000, type: 'click', cost_micros: 1_000_000n }),
      event({ occurred_at: T0 + 59_999, type: 'impression', cost_micros: 2_500n }),
      event({ occurred_at: T0 + 60_000, type: 'impression', cost_micros: 2_500n }),
    ])
    expect(buckets.sort(byKey)).toEqual([
      bucket({ minute: T0, impressions: 2, clicks: 1, spend_micros: 1_005_000n }),
      bucket({ minute: T0 + 60_000, impressions: 1, spend_micros: 2_500n }),
    ])
  })

  it('buckets by event time in UTC, across a UTC midnight', () => {
    const buckets = aggregateMinuteBuckets([
      event({ occurred_at: Date.parse('2026-11-22T23:59:59.999Z') }),
      event({ occurred_at: Date.parse('2026-11-23T00:00:00.000Z') }),
      event({ occurred_at: Date.parse('2026-11-23T03:30:00.000+03:30') }),
    ])
    expect(buckets.sort(byKey)).toEqual([
      bucket({ minute: Date.UTC(2026, 10, 22, 23, 59), impressions: 1 }),
      bucket({ minute: Date.UTC(2026, 10, 23, 0, 0), impressions: 2 }),
    ])
  })

  it('keeps separate buckets per channel, campaign and minute', () => {
    const buckets = aggregateMinuteBuckets([
      event({ channel: 'search', campaign_id: 'a', type: 'click', cost_micros: 10n }),
      event({ channel: 'search', campaign_id: 'b', type: 'click', cost_micros: 20n }),
      event({ channel: 'social', campaign_id: 'a', type: 'click', cost_micros: 40n }),
      event({
        channel: 'search',
        campaign_id: 'a',
        type: 'click',
        cost_micros: 80n,
        occurred_at: T0 + 60_000,
      }),
      event({ channel: 'search', campaign_id: 'a', type: 'click', cost_micros: 160n }),
    ])
    expect(buckets.sort(byKey)).toEqual([
      bucket({ channel: 'search', campaign_id: 'a', clicks: 2, spend_micros: 170n }),
      bucket({ channel: 'search', campaign_id: 'b', clicks: 1, spend_micros: 20n }),
      bucket({ channel: 'social', campaign_id: 'a', clicks: 1, spend_micros: 40n }),
      bucket({ minute: T0 + 60_000, channel: 'search', campaign_id: 'a', clicks: 1, spend_micros: 80n }),
    ])
  })

  it('does not confuse a channel and campaign that concatenate alike', () => {
    const buckets = aggregateMinuteBuckets([
      event({ channel: 'ab', campaign_id: 'c' }),
      event({ channel: 'a', campaign_id: 'bc' }),
    ])
    expect(buckets).toHaveLength(2)
  })

  it('counts revenue only from conversions, and spend from every event', () => {
    const buckets = aggregateMinuteBuckets([
      event({ type: 'impression', cost_micros: 1n, value_micros: 1_000n }),
      event({ type: 'click', cost_micros: 2n, value_micros: 2_000n }),
      event({ type: 'conversion', cost_micros: 4n, value_micros: 50_000_000n }),
      event({ type: 'conversion', cost_micros: 0n, value_micros: 25_000_000n }),
    ])
    expect(buckets).toEqual([
      bucket({
        impressions: 1,
        clicks: 1,
        conversions: 2,
        spend_micros: 7n,
        revenue_micros: 75_000_000n,
        // only conversions: (5e7)² + (2.5e7)² = 2.5e15 + 6.25e14
        revenue_squares: 3.125e15,
      }),
    ])
  })

  it('counts an engagement in spend only: it is neither a click nor a conversion', () => {
    const buckets = aggregateMinuteBuckets([
      event({ type: 'click', cost_micros: 2n }),
      event({ type: 'engagement', cost_micros: 40_000n, value_micros: 0n }),
    ])
    expect(buckets).toEqual([bucket({ clicks: 1, spend_micros: 40_002n })])
  })

  it('keeps sums exact beyond 2^64', () => {
    const max = 9_223_372_036_854_775_807n // 2^63 - 1, the largest money of one event
    const events = [1, 2, 3, 4].map(() =>
      event({ type: 'conversion', cost_micros: max, value_micros: max, occurred_at: T0 + 1_000 }),
    )
    const buckets = aggregateMinuteBuckets(events)
    expect(buckets).toHaveLength(1)
    // 4 × (2^63 − 1) = 2^65 − 4
    expect(buckets[0]?.spend_micros).toBe(36_893_488_147_419_103_228n)
    expect(buckets[0]?.revenue_micros).toBe(36_893_488_147_419_103_228n)
    expect(buckets[0]?.conversions).toBe(4)
  })

  it('adds up to whole days of a half-hour time zone (Asia/Tehran, +03:30)', () => {
    // The Tehran day 2026-11-22 runs from 2026-11-21T20:30Z to 2026-11-22T20:30Z.
    const dayStart = Date.UTC(2026, 10, 21, 20, 30)
    const dayEnd = Date.UTC(2026, 10, 22, 20, 30)
    const buckets = aggregateMinuteBuckets([
      event({ occurred_at: dayStart - 1, cost_micros: 1n }), // 20:29:59.999Z: the day before
      event({ occurred_at: dayStart, cost_micros: 10n }),
      event({ occurred_at: dayStart + 15 * 60_000 + 5, cost_micros: 100n }),
      event({ occurred_at: dayEnd - 1, cost_micros: 1_000n }),
      event({ occurred_at: dayEnd, cost_micros: 10_000n }), // the day after
    ])
    const spendOfDay = buckets
      .filter((b) => b.minute >= dayStart && b.minute < dayEnd)
      .reduce((sum, b) => sum + b.spend_micros, 0n)
    expect(spendOfDay).toBe(1_110n)
  })
})
