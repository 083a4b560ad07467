import type { AdEvent } from '@adpulse/events'
import { describe, expect, it } from 'vitest'
import { checkDecoded } from './decode.ts'

const T = Date.UTC(2026, 10, 22, 12, 0)
const LIMITS = { allowedLatenessMs: 7 * 86_400_000, maxClockSkewMs: 300_000 }

const event = (over: Partial<AdEvent> = {}): AdEvent => ({
  event_id: 'e1',
  type: 'click',
  occurred_at: T - 60_000,
  channel: 'search',
  campaign_id: 'c1',
  ad_id: null,
  click_id: null,
  cost_micros: 1000n,
  value_micros: null,
  action: null,
  currency: 'USD',
  user_id: null,
  source: 's',
  received_at: T,
  ...over,
})

describe('checkDecoded', () => {
  it('accepts a valid event, including one 7 days late to the millisecond', () => {
    expect(checkDecoded(event(), LIMITS)).toBeNull()
    expect(checkDecoded(event({ occurred_at: T - LIMITS.allowedLatenessMs }), LIMITS)).toBeNull()
  })

  it('names what Avro could not refuse', () => {
    expect(checkDecoded(event({ channel: 'Search' }), LIMITS)).toEqual({
      reason: 'invalid_event',
      detail: 'channel: not a lowercase slug: "Search"',
    })
    expect(checkDecoded(event({ event_id: '' }), LIMITS)?.detail).toBe('event_id: 1-128 characters')
    expect(checkDecoded(event({ cost_micros: -1n }), LIMITS)?.detail).toBe('cost_micros: negative')
    expect(checkDecoded(event({ type: 'conversion', action: null, value_micros: 5n }), LIMITS)?.detail).toBe(
      'action: missing on a conversion',
    )
    expect(checkDecoded(event({ currency: 'usd' }), LIMITS)?.reason).toBe('invalid_event')
    expect(checkDecoded(event({ currency: 'ABC' }), LIMITS)?.reason).toBe('invalid_event')
    expect(checkDecoded(event({ currency: 'JPY' }), LIMITS)).toBeNull()
  })

  it('judges event time against the receipt time, so a replay decides the same', () => {
    expect(checkDecoded(event({ occurred_at: T - LIMITS.allowedLatenessMs - 1 }), LIMITS)?.reason).toBe(
      'too_late',
    )
    expect(checkDecoded(event({ occurred_at: T + LIMITS.maxClockSkewMs + 1 }), LIMITS)?.reason).toBe(
      'too_far_in_future',
    )
  })
})
