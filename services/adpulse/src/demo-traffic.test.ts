import { DEFAULT_CONTRACT, validateEvent } from '@adpulse/events'
import { mulberry32 } from '@adpulse/testkit'
import { describe, expect, it } from 'vitest'
import { demoEvents } from './demo-traffic.ts'

describe('demo traffic', () => {
  const now = Date.UTC(2026, 10, 30, 12)
  const events = Array.from({ length: 5 }, (_, tick) => demoEvents(tick, now, mulberry32(tick + 1))).flat()
  const valid = events.map((event) =>
    validateEvent(event, {
      now,
      reportingCurrency: 'USD',
      source: 'demo',
      allowedLatenessMs: DEFAULT_CONTRACT.allowedLatenessMs,
      maxClockSkewMs: DEFAULT_CONTRACT.maxClockSkewMs,
    }),
  )

  it('sends only events ingest accepts', () => {
    expect(valid.filter((v) => !v.ok)).toEqual([])
  })

  it('shows every breakdown: several ads per campaign, leads and purchases, engagement on social', () => {
    const accepted = valid.flatMap((v) => (v.ok ? [v.event] : []))
    const adsOf = new Map<string, Set<string | null>>()
    for (const e of accepted) adsOf.set(e.campaign_id, (adsOf.get(e.campaign_id) ?? new Set()).add(e.ad_id))
    for (const ads of adsOf.values()) expect(ads.size).toBe(3)
    const conversions = new Set(accepted.filter((e) => e.type === 'conversion').map((e) => e.action))
    expect(conversions).toEqual(new Set(['lead', 'purchase']))
    const engaged = accepted.filter((e) => e.type === 'engagement' && e.action !== 'add_to_cart')
    expect(new Set(engaged.map((e) => e.channel))).toEqual(new Set(['social']))
    expect(new Set(engaged.map((e) => e.action))).toEqual(new Set(['like', 'share', 'comment', 'video_view']))
  })

  it('fills the cart-abandoners audience: users who added to cart on the shopping channels, most without buying', () => {
    const accepted = valid.flatMap((v) => (v.ok ? [v.event] : []))
    expect(accepted.filter((e) => e.type !== 'impression').every((e) => e.user_id !== null)).toBe(true)
    const carts = accepted.filter((e) => e.action === 'add_to_cart')
    expect(new Set(carts.map((e) => e.channel))).toEqual(new Set(['search', 'affiliate']))
    const buyers = new Set(accepted.filter((e) => e.type === 'conversion').map((e) => e.user_id))
    const abandoners = new Set(carts.map((e) => e.user_id).filter((u) => !buyers.has(u)))
    expect(abandoners.size).toBeGreaterThan(carts.length / 2)
  })
})
